// Which public paths go where. Only /ping, /ready and the Bento input path are served;
// Bento's management endpoints are never reachable through the Worker.

export const ROUTE = Object.freeze({
  PING: 'ping',
  READY: 'ready',
  INPUT: 'input',
  NOT_FOUND: 'not_found',
});

// Bento's management API (and its root_path duplicates under /bento). Checked before the
// input path so that even a catch-all input path ("/") cannot expose them.
const MANAGEMENT_PREFIXES = Object.freeze([
  '/bento',
  '/debug',
  '/endpoints',
  '/metrics',
  '/resources',
  '/stats',
  '/streams',
  '/version',
]);

const inputMatchers = new WeakMap();

/** The route for a URL under these settings. */
export function routeFor(url, settings) {
  const path = canonicalPath(url.pathname);
  if (path === null) return ROUTE.NOT_FOUND;
  if (path === '/ping') return ROUTE.PING;
  if (path === '/ready') return ROUTE.READY;
  if (isManagementPath(path)) return ROUTE.NOT_FOUND;
  return inputMatcher(settings).test(path) ? ROUTE.INPUT : ROUTE.NOT_FOUND;
}

export function isManagementPath(path) {
  return MANAGEMENT_PREFIXES.some(prefix => path === prefix || path.startsWith(`${prefix}/`));
}

/**
 * The path as Bento's router (Go net/http + gorilla/mux) will see it: percent-decoded, with
 * repeated slashes collapsed. null for paths we refuse outright (undecodable, or dot segments
 * hidden behind encoding), so that "/%6Detrics" or "/post%2F..%2Fmetrics" can't sneak past.
 */
export function canonicalPath(rawPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  const collapsed = decoded.replace(/\/{2,}/g, '/');
  if (/(^|\/)\.{1,2}(\/|$)/.test(collapsed)) return null;
  return collapsed;
}

function inputMatcher(settings) {
  let matcher = inputMatchers.get(settings);
  if (matcher === undefined) {
    matcher = compileInputPath(settings.inputPath);
    inputMatchers.set(settings, matcher);
  }
  return matcher;
}

/**
 * Bento's http_server path rules: "{name}" (or "{name:regex}") matches one segment, and a path
 * ending in "/" matches everything below it.
 */
export function compileInputPath(inputPath) {
  const variable = /\{([^{}:]+)(?::([^{}]+))?\}/g;
  let source = '';
  let last = 0;
  for (const match of inputPath.matchAll(variable)) {
    source += escapeRegExp(inputPath.slice(last, match.index));
    source += match[2] === undefined ? '[^/]+' : `(?:${match[2]})`;
    last = match.index + match[0].length;
  }
  source += escapeRegExp(inputPath.slice(last));
  const isPrefix = inputPath.endsWith('/');
  return new RegExp(`^${source}${isPrefix ? '' : '$'}`);
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
