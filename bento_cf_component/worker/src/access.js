// Who may call: a bearer token compared in constant time, or nobody checked (public).

import { ACCESS_TOKEN_BINDING, ConfigError } from './settings.js';
import { jsonError } from './responses.js';

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;
const encoder = new TextEncoder();

/**
 * null when the request may pass, else the 401 response to send.
 * Throws ConfigError when bearer mode has no token bound (never fails open).
 */
export async function checkAccess(request, settings, env) {
  if (settings.access.mode === 'public') return null;

  const expected = env?.[ACCESS_TOKEN_BINDING];
  if (typeof expected !== 'string' || expected.length === 0) {
    throw new ConfigError(`access mode is bearer but secret ${ACCESS_TOKEN_BINDING} is not bound`);
  }
  const header = request.headers.get('authorization');
  if (header === null) return unauthorized(false);
  if (!(await bearerTokenMatches(header, expected))) return unauthorized(true);
  return null;
}

/** Whether an Authorization header value (or null) is "Bearer <expected>"; the scheme is case-insensitive. */
export async function bearerTokenMatches(header, expected) {
  const match = header === null ? null : BEARER.exec(header);
  return match !== null && (await tokensEqual(match[1], expected));
}

/** Whether the Authorization header is ours and must not be forwarded to Bento. */
export function authorizationIsOurs(settings) {
  return settings.access.mode === 'bearer';
}

// Hash both sides so the comparison takes the same time whatever the lengths and contents.
async function tokensEqual(given, expected) {
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
  return difference === 0;
}

async function digest(text) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

function unauthorized(tokenGiven) {
  // RFC 6750: name the error only when a token was presented.
  const challenge = tokenGiven ? 'Bearer realm="bento-cf", error="invalid_token"' : 'Bearer realm="bento-cf"';
  return jsonError(401, 'unauthorized', 'a valid bearer token is required', {
    'www-authenticate': challenge,
  });
}
