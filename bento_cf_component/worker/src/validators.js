// Checks shared by the settings validators (settings.js, settings-queue.js, settings-tenant.js),
// kept in one place so the patterns cannot drift apart on what a valid name or path is.

/** An HTTP token (RFC 9110 §5.6.2): method and header names. */
export const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** An environment variable name the container accepts. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// The only forms @cloudflare/containers' parseTimeExpression accepts; groups: amount, unit.
export const SLEEP_AFTER = /^(\d+)([smh])$/;
/** Paths the Worker answers itself, so no configured path may take them. */
export const WORKER_PATHS = Object.freeze(['/ping', '/ready']);

/** Unknown and missing keys of `object`, named as "label.key". */
export function fieldProblems(label, object, fields) {
  const problems = [];
  for (const key of Object.keys(object)) if (!fields.includes(key)) problems.push(`unknown key "${label}.${key}"`);
  for (const key of fields) if (!(key in object)) problems.push(`missing key "${label}.${key}"`);
  return problems;
}
