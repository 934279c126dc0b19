// Forwarding to a container: the request Bento receives (same method, path, query and body,
// streamed, minus the headers that belong to this hop or to us), the call to the container's
// Durable Object, and the answer the client gets back.

import { badGateway, containerUnavailable, jsonResponse } from './responses.js';

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

/**
 * Sends `outgoing` to the Durable Object stub `connect()` gives. Errors on the way become a 503
 * when the platform says a retry can help (overloaded, reset, moved), else a 502.
 * `log` words the log lines: {unavailable, failed}.
 */
export async function sendToContainer(settings, connect, outgoing, log) {
  try {
    const stub = await connect();
    return await stub.fetch(outgoing);
  } catch (error) {
    if (error?.overloaded || error?.retryable) {
      console.warn(`${log.unavailable}: ${error.message}`);
      return containerUnavailable(settings, 'the Bento container is busy or restarting; retry later');
    }
    console.error(`${log.failed}: ${error?.message ?? error}`);
    return badGateway();
  }
}

/** The client's answer to a forwarded input request: Bento's reply (sync, or not 2xx), else 202. */
export async function inputAnswer(response, settings) {
  if (settings.responseMode === 'sync' || !response.ok) return withBentoFraming(response);
  await response.body?.cancel();
  return jsonResponse(202, { status: 'accepted' });
}

/** The client's answer to /ready from Bento's: 200 (plus `extra`) when ready, else 503 + Retry-After. */
export async function readyAnswer(response, settings, extra = {}) {
  await response.body?.cancel();
  if (response.ok) return jsonResponse(200, { ready: true, ...extra });
  return jsonResponse(
    503,
    { ready: false, error: 'not_ready', message: 'Bento is not ready yet' },
    { 'retry-after': String(settings.retryAfterSeconds) },
  );
}
