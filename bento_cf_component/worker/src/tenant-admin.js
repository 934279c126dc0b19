// The admin endpoint of the durable-object pattern: per-tenant state, read from each tenant's
// Durable Object (src/tenant-state.js) without starting its container.
//
//   GET adminPath            the tenants the Worker can name (allow-list, keep-warm), with state
//   GET adminPath/<tenant>   that tenant's state
//
// Requires Authorization: Bearer <BENTO_CF_ADMIN_TOKEN> (compared in constant time). Without
// that binding, or with adminPath null, the endpoint does not exist: 404 like any unknown path.

import { getContainer } from '@cloudflare/containers';
import { bearerTokenMatches } from './access.js';
import { jsonError, jsonResponse, methodNotAllowed, notFound } from './responses.js';
import { containerNamespace } from './instances.js';
import { allowedTenants } from './tenant-allow-list.js';
import { tenantKeyProblem } from './tenant-key.js';

export const ADMIN_TOKEN_BINDING = 'BENTO_CF_ADMIN_TOKEN';

const ADMIN_METHODS = Object.freeze(['GET', 'HEAD']);
// The list reads each tenant's object; more than this and the list is cut (and says so).
const LIST_LIMIT = 100;

/** Whether the (canonical) path is the admin endpoint's. */
export function isAdminPath(path, settings) {
  const admin = settings.adminPath;
  return admin !== null && (path === admin || path.startsWith(`${admin}/`));
}

export async function handleAdmin(request, url, env, settings) {
  const token = env?.[ADMIN_TOKEN_BINDING];
  if (typeof token !== 'string' || token === '') return notFound();
  if (!ADMIN_METHODS.includes(request.method)) return methodNotAllowed(ADMIN_METHODS);
  const denied = await checkAdminToken(request, token);
  if (denied !== null) return denied;

  // The raw path must spell adminPath literally; the tenant segment is never decoded.
  const admin = settings.adminPath;
  const raw = url.pathname;
  if (!(raw === admin || raw.startsWith(`${admin}/`))) return notFound();
  const rest = raw.slice(admin.length);
  const response = rest === '' || rest === '/' ? await listTenants(env, settings) : await oneTenant(rest.slice(1), env, settings);
  return request.method === 'HEAD' ? new Response(null, response) : response;
}

async function oneTenant(tenant, env, settings) {
  if (tenant.includes('/')) return notFound();
  const problem = tenantKeyProblem(tenant, settings.tenant);
  if (problem !== null) return jsonError(400, 'bad_tenant', problem);
  const allowed = allowedTenants(settings, env);
  if (allowed !== null && !allowed.has(tenant)) return jsonError(404, 'unknown_tenant', 'no such tenant');
  return jsonResponse(200, await tenantStatus(env, tenant));
}

async function listTenants(env, settings) {
  const allowed = allowedTenants(settings, env);
  const named = new Set([...(allowed ?? []), ...(settings.keepWarm?.tenants ?? [])]);
  const tenants = [...named].filter(t => allowed === null || allowed.has(t)).sort();
  const shown = tenants.slice(0, LIST_LIMIT);
  return jsonResponse(200, {
    tenants: await Promise.all(shown.map(tenant => tenantStatus(env, tenant))),
    // Without an allow-list the Worker cannot enumerate tenants: only keep-warm ones are named.
    complete: allowed !== null && shown.length === tenants.length,
  });
}

function tenantStatus(env, tenant) {
  return getContainer(containerNamespace(env), tenant).tenantStatus(tenant);
}

async function checkAdminToken(request, expected) {
  const header = request.headers.get('authorization');
  if (await bearerTokenMatches(header, expected)) return null;
  const challenge =
    header === null ? 'Bearer realm="bento-cf-admin"' : 'Bearer realm="bento-cf-admin", error="invalid_token"';
  return jsonError(401, 'unauthorized', 'the admin endpoint needs the admin bearer token', {
    'www-authenticate': challenge,
  });
}
