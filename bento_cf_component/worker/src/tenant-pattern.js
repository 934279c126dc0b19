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
import { forwardedRequest, probeRequest, withBentoFraming } from './forwarding.js';
import { armKeepWarmOnce } from './keep-warm.js';
import { ping } from './request-pattern.js';
import { badGateway, containerUnavailable, jsonError, jsonResponse, methodNotAllowed, notFound } from './responses.js';
import { ROUTE, canonicalPath, routeFor } from './routing.js';
import { CONTAINER_BINDING, ConfigError } from './settings.js';
import { handleAdmin, isAdminPath } from './tenant-admin.js';
import { tenantAllowed } from './tenant-allow-list.js';
import { TENANT_HEADER } from './tenant-container.js';
import { extractTenant } from './tenant-key.js';
import { isWebSocketUpgrade, upgradeRequest, upgradeRequired } from './websocket-proxy.js';

const PROBE_METHODS = Object.freeze(['GET', 'HEAD']);

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
  await response.body?.cancel();
  if (response.ok) return jsonResponse(200, { ready: true, tenant });
  return jsonResponse(
    503,
    { ready: false, error: 'not_ready', message: 'Bento is not ready yet' },
    { 'retry-after': String(settings.retryAfterSeconds) },
  );
}

async function input(request, env, settings, tenant, target, dropAuthorization) {
  if (!settings.inputMethods.includes(request.method)) return methodNotAllowed(settings.inputMethods);
  const forwarded = forwardedRequest(request, { dropAuthorization });
  const response = await callTenant(env, settings, tenant, new Request(target, forwarded));
  if (settings.responseMode === 'sync' || !response.ok) return withBentoFraming(response);
  await response.body?.cancel();
  return jsonResponse(202, { status: 'accepted' });
}

/** Sends `outgoing` to the tenant's Durable Object (idFromName(tenant)), naming the tenant. */
async function callTenant(env, settings, tenant, outgoing) {
  const namespace = env?.[CONTAINER_BINDING];
  if (namespace === undefined || typeof namespace.idFromName !== 'function') {
    throw new ConfigError(`binding ${CONTAINER_BINDING} is missing or not a Durable Object namespace`);
  }
  outgoing.headers.set(TENANT_HEADER, tenant);
  try {
    return await getContainer(namespace, tenant).fetch(outgoing);
  } catch (error) {
    if (error?.overloaded || error?.retryable) {
      console.warn(`tenant container unavailable: ${error.message}`);
      return containerUnavailable(settings, 'the Bento container is busy or restarting; retry later');
    }
    console.error(`forwarding to the tenant's container failed: ${error?.message ?? error}`);
    return badGateway();
  }
}

function isOurs(response) {
  return (response.headers.get('content-type') ?? '').startsWith('application/json');
}
