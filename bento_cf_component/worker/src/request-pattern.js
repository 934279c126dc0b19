// The request-driven pattern: HTTP client -> Worker -> one of N Bento containers -> reply.

import { authorizationIsOurs, checkAccess } from './access.js';
import { forwardedRequest, probeRequest, withBentoFraming } from './forwarding.js';
import { pickInstance } from './instances.js';
import {
  badGateway,
  containerUnavailable,
  jsonResponse,
  methodNotAllowed,
  notFound,
} from './responses.js';
import { ROUTE, routeFor } from './routing.js';
import { CONTAINER_BINDING, ConfigError } from './settings.js';

const PROBE_METHODS = Object.freeze(['GET', 'HEAD']);

export async function handleRequestPattern(request, env, settings) {
  const url = new URL(request.url);
  switch (routeFor(url, settings)) {
    case ROUTE.PING:
      return ping(request);
    case ROUTE.READY:
      return ready(request, env, settings);
    case ROUTE.INPUT:
      return input(request, env, settings);
    default:
      return notFound();
  }
}

/** Liveness of the Worker itself: no container is touched. */
export function ping(request) {
  if (!PROBE_METHODS.includes(request.method)) return methodNotAllowed(PROBE_METHODS);
  return new Response(request.method === 'HEAD' ? null : 'pong', {
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  });
}

/**
 * Readiness of the instance this request would be served by: starts it if needed (within the
 * startup budget) and asks Bento's /ready. 200 when Bento says ready, else 503 + Retry-After.
 */
export async function ready(request, env, settings) {
  if (!PROBE_METHODS.includes(request.method)) return methodNotAllowed(PROBE_METHODS);
  const denied = await checkAccess(request, settings, env);
  if (denied !== null) return denied;

  const response = await callInstance(env, settings, request, probeRequest(request, '/ready'));
  await response.body?.cancel();
  if (response.ok) return jsonResponse(200, { ready: true });
  return jsonResponse(
    503,
    { ready: false, error: 'not_ready', message: 'Bento is not ready yet' },
    { 'retry-after': String(settings.retryAfterSeconds) },
  );
}

/** The Bento input path: forward as is; answer with Bento's reply (sync) or 202 (accepted). */
async function input(request, env, settings) {
  if (!settings.inputMethods.includes(request.method)) return methodNotAllowed(settings.inputMethods);
  const denied = await checkAccess(request, settings, env);
  if (denied !== null) return denied;

  const forwarded = forwardedRequest(request, { dropAuthorization: authorizationIsOurs(settings) });
  const response = await callInstance(env, settings, request, forwarded);
  if (settings.responseMode === 'sync' || !response.ok) return withBentoFraming(response);

  await response.body?.cancel();
  return jsonResponse(202, { status: 'accepted' });
}

/** Sends `outgoing` to the instance chosen for `request`; errors become 502/503 responses. */
export async function callInstance(env, settings, request, outgoing) {
  const namespace = env?.[CONTAINER_BINDING];
  if (namespace === undefined || typeof namespace.idFromName !== 'function') {
    throw new ConfigError(`binding ${CONTAINER_BINDING} is missing or not a Durable Object namespace`);
  }
  try {
    const instance = await pickInstance(namespace, settings, request);
    return await instance.fetch(outgoing);
  } catch (error) {
    // Durable Object errors say whether a retry can help (overloaded, reset, moved).
    if (error?.overloaded || error?.retryable) {
      console.warn(`container instance unavailable: ${error.message}`);
      return containerUnavailable(settings, 'the Bento container is busy or restarting; retry later');
    }
    console.error(`forwarding to container instance failed: ${error?.message ?? error}`);
    return badGateway();
  }
}
