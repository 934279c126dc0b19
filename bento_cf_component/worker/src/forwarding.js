// The request Bento receives: same method, path, query and body (streamed), minus the headers
// that belong to this hop or to us.

// RFC 9110 §7.6.1 connection-specific fields, plus Proxy-* which are meant for proxies like us.
const HOP_BY_HOP = Object.freeze([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

// Set by @cloudflare/containers' switchPort(); a client must not pick the container port.
const TARGET_PORT_HEADER = 'cf-container-target-port';

/** The request to hand to the container instance. */
export function forwardedRequest(request, { dropAuthorization }) {
  const headers = new Headers(request.headers);
  const listed = headers.get('connection');
  if (listed !== null) {
    for (const name of listed.split(',')) {
      const trimmed = name.trim();
      if (trimmed !== '') headers.delete(trimmed);
    }
  }
  for (const name of HOP_BY_HOP) headers.delete(name);
  headers.delete(TARGET_PORT_HEADER);
  if (dropAuthorization) headers.delete('authorization');

  return new Request(request.url, {
    method: request.method,
    headers,
    body: request.body,
    redirect: 'manual',
  });
}

/** A bodiless GET of `path` on the container (used for Bento's /ready). */
export function probeRequest(request, path) {
  return new Request(new URL(path, request.url), { method: 'GET', redirect: 'manual' });
}

/**
 * Bento's reply as the client should see it. The container proxy hands the body on as a stream
 * of unknown length, which workerd would send chunked; when Bento declared a Content-Length
 * (and no Content-Encoding, which workerd may decode on the way), keep that framing.
 */
export function withBentoFraming(response) {
  const declared = response.headers.get('content-length');
  if (response.body === null || declared === null || response.headers.has('content-encoding')) return response;
  const length = Number(declared);
  if (!Number.isSafeInteger(length) || length < 0) return response;
  const { readable, writable } = new FixedLengthStream(length);
  response.body.pipeTo(writable).catch(() => {});
  return new Response(readable, response);
}
