// The tenant key of a request (durable-object pattern): where it is read from, and what a valid
// key looks like. A missing or malformed key is refused (400); there is never a default tenant.
//
// Besides tenant.pattern, every key obeys fixed rules that no pattern can loosen:
//   1-63 characters, all from RFC 3986's unreserved set [A-Za-z0-9._~-], and not "." or "..".
// So a key is ASCII (no Cyrillic look-alikes), is never percent-decoded, can't be a dot segment
// and can't contain "/", ":" or "%".

export const TENANT_KEY_MAX_LENGTH = 63;

const UNRESERVED = /^[A-Za-z0-9._~-]+$/;
const compiledPatterns = new Map();

/** null when `key` is a valid tenant key under these tenant settings, else why not (no echo). */
export function tenantKeyProblem(key, tenant) {
  if (typeof key !== 'string' || key.length === 0) return 'the tenant key is empty';
  if (key.length > TENANT_KEY_MAX_LENGTH) {
    return `the tenant key is longer than ${TENANT_KEY_MAX_LENGTH} characters`;
  }
  if (!UNRESERVED.test(key)) {
    return 'the tenant key may only contain ASCII letters, digits and "-", ".", "_", "~" (no percent-encoding)';
  }
  if (key === '.' || key === '..') return 'the tenant key cannot be a dot segment';
  if (!tenantPattern(tenant.pattern).test(key)) return 'the tenant key does not match the allowed tenant pattern';
  return null;
}

/** The RegExp of tenant.pattern (compiled once per isolate). Throws SyntaxError if invalid. */
export function tenantPattern(source) {
  let compiled = compiledPatterns.get(source);
  if (compiled === undefined) {
    compiled = new RegExp(source);
    compiledPatterns.set(source, compiled);
  }
  return compiled;
}

/**
 * The tenant of this request and the path Bento should see:
 *   {ok: true, tenant, path}   path is the raw (still percent-encoded) path for the container
 *   {ok: false, message}       the 400 message
 * `url` is new URL(request.url); the query string is kept by the caller.
 */
export function extractTenant(request, url, tenant) {
  switch (tenant.source) {
    case 'path':
      return fromPath(url.pathname, tenant);
    case 'header':
      return fromHeader(request.headers.get(tenant.header), url.pathname, tenant);
    case 'hostname':
      return fromHostname(url.hostname, url.pathname, tenant);
    default:
      throw new Error(`unknown tenant source ${tenant.source}`);
  }
}

// "/t/<tenant>/<rest>" -> tenant, "/<rest>" (the raw path: the URL parser has already resolved
// dot segments, including "%2e%2e"; the key itself is never decoded).
function fromPath(rawPath, tenant) {
  const prefix = `${tenant.pathPrefix}/`;
  if (!rawPath.startsWith(prefix)) {
    return refused(`the tenant is missing: use ${tenant.pathPrefix}/<tenant>/<path>`);
  }
  const after = rawPath.slice(prefix.length);
  const slash = after.indexOf('/');
  const key = slash === -1 ? after : after.slice(0, slash);
  const rest = slash === -1 ? '/' : after.slice(slash);
  if (key === '') return refused(`the tenant is missing: use ${tenant.pathPrefix}/<tenant>/<path>`);
  return checked(key, rest, tenant);
}

function fromHeader(value, rawPath, tenant) {
  if (value === null || value === '') return refused(`the tenant is missing: send the ${tenant.header} header`);
  return checked(value, rawPath, tenant);
}

// Label hostnameLabel of the host, counted from the left (0 = leftmost). The URL parser has
// already lower-cased the host and turned IDN labels into punycode ("xn--"), which are refused:
// "аcme" with a Cyrillic "а" must not pass as "acme"'s neighbour.
function fromHostname(hostname, rawPath, tenant) {
  const labels = hostname.split('.');
  if (labels.length < 2 || /^[0-9.]+$/.test(hostname) || hostname.startsWith('[')) {
    return refused('the tenant is missing: the host name has no tenant label');
  }
  const key = labels[tenant.hostnameLabel];
  if (key === undefined || key === '') return refused('the tenant is missing: the host name has no tenant label');
  if (key.startsWith('xn--')) return refused('the tenant key must be plain ASCII (internationalised labels are refused)');
  return checked(key, rawPath, tenant);
}

function checked(key, path, tenant) {
  const problem = tenantKeyProblem(key, tenant);
  if (problem !== null) return refused(problem);
  return { ok: true, tenant: key, path };
}

function refused(message) {
  return { ok: false, message };
}
