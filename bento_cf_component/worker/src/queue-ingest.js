// The ingest endpoint's body -> queue messages -> send/sendBatch, within Cloudflare Queues'
// limits. Every message is sent as raw bytes (contentType "bytes"): a JSON array element or an
// NDJSON line is the exact byte slice the client sent, never re-serialised.

// Cloudflare Queues limits (decimal kilobytes, as miniflare enforces them): one message at most
// 128 KB; one sendBatch at most 100 messages and 256 KB in total.
export const LIMITS = Object.freeze({
  messageBytes: 128_000,
  batchMessages: 100,
  batchBytes: 256_000,
  // Counted per message on top of its body when filling a sendBatch, so a batch stays under the
  // limit whatever per-message overhead the platform adds to its own count.
  batchAllowancePerMessage: 100,
  // At most this many messages per ingest request (50 sendBatch calls at 100 each), so one
  // request never needs more queue calls than a Worker invocation may make on any plan.
  requestMessages: 5_000,
});

const JSON_TYPE = 'application/json';
const NDJSON_TYPE = 'application/x-ndjson';
const decoder = new TextDecoder('utf-8', { fatal: true });

/** A request the endpoint refuses as a whole: nothing was sent. */
export class IngestRefusal extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'IngestRefusal';
    this.status = status;
    this.code = code;
  }
}

/** Sending stopped part-way: `accepted` messages were queued before the failure. */
export class QueueSendFailed extends Error {
  constructor(accepted, cause) {
    super(`queue send failed after ${accepted} message(s): ${cause?.message ?? cause}`);
    this.name = 'QueueSendFailed';
    this.accepted = accepted;
  }
}

/** The messages of one ingest request body (Uint8Array each), checked against the limits. */
export function splitMessages(contentTypeHeader, body) {
  const mediaType = (contentTypeHeader ?? '').split(';')[0].trim().toLowerCase();
  let messages;
  if (mediaType === JSON_TYPE) messages = splitJson(body);
  else if (mediaType === NDJSON_TYPE) messages = splitNdjson(body);
  else messages = [body];

  if (messages.length > LIMITS.requestMessages) {
    throw new IngestRefusal(
      413,
      'payload_too_large',
      `${messages.length} messages in one request; at most ${LIMITS.requestMessages} are accepted per request`,
    );
  }
  const tooBig = messages.findIndex(message => message.byteLength > LIMITS.messageBytes);
  if (tooBig !== -1) {
    const which = messages.length === 1 ? 'the message' : `message ${tooBig + 1}`;
    throw new IngestRefusal(
      413,
      'payload_too_large',
      `${which} is ${messages[tooBig].byteLength} bytes; a queue message may be at most ${LIMITS.messageBytes} bytes`,
    );
  }
  return messages;
}

/** Groups of messages, each within sendBatch's count and size limits, in order. */
export function sendGroups(messages) {
  const groups = [];
  let group = [];
  let groupBytes = 0;
  for (const message of messages) {
    const size = message.byteLength + LIMITS.batchAllowancePerMessage;
    if (group.length === LIMITS.batchMessages || (group.length > 0 && groupBytes + size > LIMITS.batchBytes)) {
      groups.push(group);
      group = [];
      groupBytes = 0;
    }
    group.push(message);
    groupBytes += size;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/** Sends the messages (send for one, sendBatch per group otherwise); the count sent. */
export async function enqueue(queue, messages) {
  if (messages.length === 1) {
    try {
      await queue.send(messages[0], { contentType: 'bytes' });
    } catch (error) {
      throw new QueueSendFailed(0, error);
    }
    return 1;
  }
  let accepted = 0;
  for (const group of sendGroups(messages)) {
    try {
      await queue.sendBatch(group.map(body => ({ body, contentType: 'bytes' })));
    } catch (error) {
      throw new QueueSendFailed(accepted, error);
    }
    accepted += group.length;
  }
  return accepted;
}

/** A JSON body: one message per element of a top-level array, else the whole body. */
function splitJson(body) {
  const text = decodeUtf8(body);
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new IngestRefusal(400, 'bad_request', `the body is not valid JSON: ${error.message}`);
  }
  if (!Array.isArray(value)) return [body];
  const elements = arrayElementSlices(body);
  if (elements.length !== value.length) {
    // Cannot happen for JSON that parsed; refuse rather than send something else.
    throw new IngestRefusal(400, 'bad_request', 'the JSON array could not be split into its elements');
  }
  return elements;
}

/** One message per non-blank line; every line must be a JSON text. */
function splitNdjson(body) {
  const messages = [];
  let start = 0;
  let lineNumber = 0;
  while (start <= body.length) {
    let end = body.indexOf(0x0a, start);
    if (end === -1) end = body.length;
    lineNumber++;
    let lineEnd = end;
    if (lineEnd > start && body[lineEnd - 1] === 0x0d) lineEnd--;
    const line = body.subarray(start, lineEnd);
    if (!isBlank(line)) {
      try {
        JSON.parse(decodeUtf8(line));
      } catch (error) {
        if (error instanceof IngestRefusal) throw error;
        throw new IngestRefusal(400, 'bad_request', `NDJSON line ${lineNumber} is not valid JSON: ${error.message}`);
      }
      messages.push(line.slice());
    }
    start = end + 1;
  }
  return messages;
}

/**
 * The exact bytes of each top-level element of a JSON array (already validated by JSON.parse),
 * without surrounding whitespace. Works on bytes: every JSON structural character is ASCII and
 * UTF-8 continuation bytes never look like one.
 */
function arrayElementSlices(body) {
  let at = hasBom(body) ? 3 : 0;
  while (isSpace(body[at])) at++;
  at++; // the opening "["
  const slices = [];
  let start = at;
  let depth = 0;
  let inString = false;
  for (; at < body.length; at++) {
    const byte = body[at];
    if (inString) {
      if (byte === 0x5c) at++; // backslash: skip the escaped byte
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x5b || byte === 0x7b) {
      depth++;
    } else if (byte === 0x5d || byte === 0x7d) {
      if (depth === 0) {
        const last = trimmed(body, start, at);
        if (last !== null) slices.push(last);
        break;
      }
      depth--;
    } else if (byte === 0x2c && depth === 0) {
      slices.push(trimmed(body, start, at));
      start = at + 1;
    }
  }
  return slices;
}

function trimmed(body, start, end) {
  while (start < end && isSpace(body[start])) start++;
  while (end > start && isSpace(body[end - 1])) end--;
  return start === end ? null : body.slice(start, end);
}

function isSpace(byte) {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

function isBlank(bytes) {
  return bytes.every(isSpace);
}

function hasBom(bytes) {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

function decodeUtf8(bytes) {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new IngestRefusal(400, 'bad_request', 'the body is not valid UTF-8');
  }
}
