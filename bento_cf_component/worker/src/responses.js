// Responses the Worker writes itself: short JSON bodies, never stack traces or secrets.

const JSON_TYPE = 'application/json; charset=utf-8';

/** A JSON error body {"error": code, "message": message} with the given status. */
export function jsonError(status, code, message, extraHeaders = {}) {
  return jsonResponse(status, { error: code, message }, extraHeaders);
}

export function jsonResponse(status, body, extraHeaders = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-store', ...extraHeaders },
  });
}

export function notFound() {
  return jsonError(404, 'not_found', 'no such route');
}

export function methodNotAllowed(allowedMethods) {
  return jsonError(405, 'method_not_allowed', `use ${allowedMethods.join(', ')}`, {
    allow: allowedMethods.join(', '),
  });
}

/** The container did not come up (or went away) in time: the client should retry later. */
export function containerUnavailable(settings, message = 'the Bento container is not ready yet') {
  return jsonError(503, 'container_unavailable', message, {
    'retry-after': String(settings.retryAfterSeconds),
  });
}

export function misconfigured(message) {
  return jsonError(500, 'worker_misconfigured', message);
}

export function badGateway() {
  return jsonError(502, 'bad_gateway', 'the request could not be passed to Bento');
}
