// The request-driven pattern: HTTP client -> Worker -> one of N Bento containers -> reply.

import { authorizationIsOurs, checkAccess } from './access.js';
import { forwardedRequest, inputAnswer, probeRequest, readyAnswer, sendToContainer } from './forwarding.js';
import { containerNamespace, pickInstance } from './instances.js';
import { methodNotAllowed, notFound } from './responses.js';
import { ROUTE, routeFor } from './routing.js';

/** The methods /ping and /ready answer. */
export const PROBE_METHODS = Object.freeze(['GET', 'HEAD']);
const INSTANCE_LOG = Object.freeze({
  unavailable: 'container instance unavailable',
  failed: 'forwarding to container instance failed',
});

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
  return readyAnswer(response, settings);
}

/** The Bento input path: forward as is; answer with Bento's reply (sync) or 202 (accepted). */
async function input(request, env, settings) {
  if (!settings.inputMethods.includes(request.method)) return methodNotAllowed(settings.inputMethods);
  const denied = await checkAccess(request, settings, env);
  if (denied !== null) return denied;

  const forwarded = forwardedRequest(request, { dropAuthorization: authorizationIsOurs(settings) });
  const response = await callInstance(env, settings, request, forwarded);
  return inputAnswer(response, settings);
}

/** Sends `outgoing` to the instance chosen for `request`; errors become 502/503 responses. */
export async function callInstance(env, settings, request, outgoing) {
  const namespace = containerNamespace(env);
  return sendToContainer(settings, () => pickInstance(namespace, settings, request), outgoing, INSTANCE_LOG);
}
