// Which tenants may be served: the secret binding BENTO_CF_TENANTS (a JSON array) when it is
// bound, else tenant.allowList from the settings, else every key that passes tenant-key.js.
// A tenant outside the list gets 404 (the caller learns nothing about which tenants exist).

import { ConfigError } from './settings.js';
import { tenantKeyProblem } from './tenant-key.js';

export const TENANTS_BINDING = 'BENTO_CF_TENANTS';

// The binding's text is the same for the life of the isolate: parse it once per value.
const parsed = new Map();

/** The allowed tenants as a Set, or null when every valid key is allowed. Throws ConfigError. */
export function allowedTenants(settings, env) {
  const bound = env?.[TENANTS_BINDING];
  if (bound === undefined || bound === null) {
    return settings.tenant.allowList === null ? null : new Set(settings.tenant.allowList);
  }
  let tenants = parsed.get(bound);
  if (tenants === undefined) {
    tenants = parseBinding(bound, settings);
    parsed.set(bound, tenants);
  }
  return tenants;
}

export function tenantAllowed(tenant, settings, env) {
  const allowed = allowedTenants(settings, env);
  return allowed === null || allowed.has(tenant);
}

// Never fails open: a binding that is not a JSON array of valid keys is a misconfiguration.
function parseBinding(text, settings) {
  let value;
  try {
    value = typeof text === 'string' ? JSON.parse(text) : text;
  } catch {
    throw new ConfigError(`secret ${TENANTS_BINDING} is not valid JSON (expected an array of tenant keys)`);
  }
  if (!Array.isArray(value) || !value.every(key => tenantKeyProblem(key, settings.tenant) === null)) {
    throw new ConfigError(`secret ${TENANTS_BINDING} must be a JSON array of valid tenant keys`);
  }
  return new Set(value);
}
