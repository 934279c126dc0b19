// What Bento receives for one queue batch: one multipart/mixed request, one part per message.
//
// Bento's http_server input reads a multipart request as one batch, one message per part, and
// takes each part's bytes as they are (internal/impl/io/input_http_server.go). It does NOT turn
// part headers into metadata: every message of the batch gets the same metadata, built from the
// request's own headers (first value of each), query, path variables and cookies. So the
// per-message facts travel twice:
//   - as request headers listing them in part order (X-Bento-Cf-Message-Ids, -Attempts,
//     -Timestamps), which Bento copies onto every message; with batch_index() a mapping can pick
//     its own entry;
//   - as part headers (X-Bento-Cf-Message-Id, ...), for any reader that does keep them.

const encoder = new TextEncoder();
const CRLF = '\r\n';

export const BATCH_HEADERS = Object.freeze({
  queue: 'X-Bento-Cf-Queue',
  size: 'X-Bento-Cf-Batch-Size',
  messageIds: 'X-Bento-Cf-Message-Ids',
  attempts: 'X-Bento-Cf-Attempts',
  timestamps: 'X-Bento-Cf-Timestamps',
});

export const PART_HEADERS = Object.freeze({
  messageId: 'X-Bento-Cf-Message-Id',
  attempts: 'X-Bento-Cf-Attempts',
  timestamp: 'X-Bento-Cf-Timestamp',
});

/** A queue message body that cannot be turned into bytes (e.g. a BigInt or a cycle). */
export class UnencodableBody extends Error {
  constructor(message) {
    super(message);
    this.name = 'UnencodableBody';
  }
}

/**
 * The bytes of one queue message body and the content type of its part.
 *   ArrayBuffer / typed array ("bytes")  -> the bytes,            application/octet-stream
 *   string ("text")                      -> UTF-8,                text/plain; charset=utf-8
 *   anything else ("json", "v8")         -> JSON.stringify, UTF-8, application/json
 */
export function bodyBytes(body) {
  if (body instanceof ArrayBuffer) return { bytes: new Uint8Array(body), contentType: 'application/octet-stream' };
  if (ArrayBuffer.isView(body)) {
    return {
      bytes: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
      contentType: 'application/octet-stream',
    };
  }
  if (typeof body === 'string') return { bytes: encoder.encode(body), contentType: 'text/plain; charset=utf-8' };
  let text;
  try {
    text = JSON.stringify(body);
  } catch (error) {
    throw new UnencodableBody(`message body cannot be serialised as JSON: ${error?.message ?? error}`);
  }
  // JSON.stringify(undefined) is undefined; a message whose body is undefined becomes "null".
  return { bytes: encoder.encode(text ?? 'null'), contentType: 'application/json' };
}

/**
 * The request body and headers for `entries` (in order): [{id, attempts, timestamp: Date,
 * bytes, contentType}]. Returns {headers: Headers, body: Uint8Array, boundary}.
 */
export function encodeBatch(queueName, entries) {
  const boundary = freshBoundary(entries);
  const chunks = [];
  for (const entry of entries) {
    const partHead =
      `--${boundary}${CRLF}` +
      `Content-Type: ${entry.contentType}${CRLF}` +
      `${PART_HEADERS.messageId}: ${headerSafe(entry.id)}${CRLF}` +
      `${PART_HEADERS.attempts}: ${entry.attempts}${CRLF}` +
      `${PART_HEADERS.timestamp}: ${isoTime(entry.timestamp)}${CRLF}${CRLF}`;
    chunks.push(encoder.encode(partHead), entry.bytes, encoder.encode(CRLF));
  }
  chunks.push(encoder.encode(`--${boundary}--${CRLF}`));

  const headers = new Headers({
    'content-type': `multipart/mixed; boundary=${boundary}`,
    [BATCH_HEADERS.queue]: headerSafe(queueName),
    [BATCH_HEADERS.size]: String(entries.length),
    [BATCH_HEADERS.messageIds]: entries.map(e => headerSafe(e.id)).join(','),
    [BATCH_HEADERS.attempts]: entries.map(e => String(e.attempts)).join(','),
    [BATCH_HEADERS.timestamps]: entries.map(e => isoTime(e.timestamp)).join(','),
  });
  return { headers, body: concat(chunks), boundary };
}

/** A random boundary that occurs in none of the bodies (RFC 2046 §5.1.1: at most 70 chars). */
function freshBoundary(entries) {
  for (;;) {
    const random = new Uint8Array(16);
    crypto.getRandomValues(random);
    const boundary = `bento-cf-${[...random].map(b => b.toString(16).padStart(2, '0')).join('')}`;
    const needle = encoder.encode(boundary);
    if (!entries.some(entry => contains(entry.bytes, needle))) return boundary;
  }
}

function contains(haystack, needle) {
  const last = haystack.length - needle.length;
  for (let at = haystack.indexOf(needle[0]); at !== -1 && at <= last; at = haystack.indexOf(needle[0], at + 1)) {
    let i = 1;
    while (i < needle.length && haystack[at + i] === needle[i]) i++;
    if (i === needle.length) return true;
  }
  return false;
}

function concat(chunks) {
  const out = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function isoTime(timestamp) {
  const date = timestamp instanceof Date ? timestamp : new Date(timestamp);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

// Message ids and queue names are platform-made tokens; keep a header line intact regardless.
function headerSafe(value) {
  return String(value).replace(/[^\x21-\x7e]|,/g, '_');
}
