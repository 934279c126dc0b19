// The durable-object pattern: client -> Worker -> the tenant's own Durable Object -> the tenant's
// own Bento container. The tenant key (src/tenant-key.js) picks idFromName(tenant); requests for
// one tenant never reach another tenant's object or container.
//
//   /ping                       the Worker's own liveness (public, touches no container)
//   adminPath[/<tenant>]        per-tenant state (src/tenant-admin.js)
//   everything else             access check, tenant key (400), allow-list (404), then on the
//                               path Bento sees: wsPath (WebSocket), /ready, inputPath, else 404

import { getContainer } from '@cloudflare/containers';
import { authorizationIsOurs, checkAccess } from './access.js';
import { forwardedRequest, inputAnswer, probeRequest, readyAnswer, sendToContainer } from './forwarding.js';
import { containerNamespace } from './instances.js';
import { armKeepWarmOnce } from './keep-warm.js';
import { PROBE_METHODS, ping } from './request-pattern.js';
import { jsonError, methodNotAllowed, notFound } from './responses.js';
import { ROUTE, canonicalPath, routeFor } from './routing.js';
import { handleAdmin, isAdminPath } from './tenant-admin.js';
import { tenantAllowed } from './tenant-allow-list.js';
import { TENANT_HEADER } from './tenant-container.js';
import { extractTenant } from './tenant-key.js';
import { isWebSocketUpgrade, upgradeRequest, upgradeRequired } from './websocket-proxy.js';

const TENANT_LOG = Object.freeze({
  unavailable: 'tenant container unavailable',
  failed: "forwarding to the tenant's container failed",
});

export async function handleTenantPattern(request, env, settings, ctx) {
  const url = new URL(request.url);
  const path = canonicalPath(url.pathname);
  if (path === '/ping') return ping(request);
  if (path !== null && isAdminPath(path, settings)) return handleAdmin(request, url, env, settings);

  const denied = await checkAccess(request, settings, env);
  if (denied !== null) return denied;
  armKeepWarmOnce(env, settings, ctx);

  const key = extractTenant(request, url, settings.tenant);
  if (!key.ok) return jsonError(400, 'bad_tenant', key.message);
  if (!tenantAllowed(key.tenant, settings, env)) return jsonError(404, 'unknown_tenant', 'no such tenant');

  // What the tenant's Bento sees: the rest of the path (still percent-encoded) and the query.
  const target = new URL(url);
  target.pathname = key.path;
  const rest = canonicalPath(key.path);
  if (rest === null) return notFound();
  const dropAuthorization = authorizationIsOurs(settings);

  if (settings.wsPath !== null && rest === settings.wsPath) {
    if (!isWebSocketUpgrade(request)) return upgradeRequired();
    return callTenant(env, settings, key.tenant, upgradeRequest(request, target, { dropAuthorization }));
  }
  switch (routeFor(target, settings)) {
    case ROUTE.READY:
      return ready(request, env, settings, key.tenant, target);
    case ROUTE.INPUT:
      return input(request, env, settings, key.tenant, target, dropAuthorization);
    default:
      // Including <tenant>/ping: Bento's /ping is the platform's, the Worker's is /ping.
      return notFound();
  }
}

/** That tenant's readiness: starts its container if needed and asks Bento's /ready. */
async function ready(request, env, settings, tenant, target) {
  if (!PROBE_METHODS.includes(request.method)) return methodNotAllowed(PROBE_METHODS);
  const response = await callTenant(env, settings, tenant, probeRequest(new Request(target), '/ready'));
  // Our own 503 (capacity, not up in time) says why; pass it on.
  if (response.status === 503 && response.headers.has('retry-after') && isOurs(response)) return response;
  return readyAnswer(response, settings, { tenant });
}

async function input(request, env, settings, tenant, target, dropAuthorization) {
  if (!settings.inputMethods.includes(request.method)) return methodNotAllowed(settings.inputMethods);
  const forwarded = forwardedRequest(request, { dropAuthorization });
  const response = await callTenant(env, settings, tenant, new Request(target, forwarded));
  return inputAnswer(response, settings);
}

/** Sends `outgoing` to the tenant's Durable Object (idFromName(tenant)), naming the tenant. */
async function callTenant(env, settings, tenant, outgoing) {
  const namespace = containerNamespace(env);
  outgoing.headers.set(TENANT_HEADER, tenant);
  return sendToContainer(settings, () => getContainer(namespace, tenant), outgoing, TENANT_LOG);
}

function isOurs(response) {
  return (response.headers.get('content-type') ?? '').startsWith('application/json');
}
