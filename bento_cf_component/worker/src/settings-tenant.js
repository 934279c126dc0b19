// The durable-object pattern's part of BENTO_CF_SETTINGS: "tenant" (required with pattern
// "durable-object"), "wsPath", "adminPath" and "keepWarm" (optional: absent or null = off).
// Contract: docs/architecture.md; the Python side is worker/tenant_runtime.py.

import { canonicalPath, isManagementPath } from './routing.js';
import { tenantKeyProblem, tenantPattern } from './tenant-key.js';
import { ENV_NAME, HTTP_TOKEN, SLEEP_AFTER, WORKER_PATHS, fieldProblems } from './validators.js';

export const TENANT_KEYS = Object.freeze(['tenant', 'wsPath', 'adminPath', 'keepWarm']);
export const TENANT_SOURCES = Object.freeze(['path', 'header', 'hostname']);

const TENANT_FIELDS = Object.freeze(['source', 'pathPrefix', 'header', 'hostnameLabel', 'pattern', 'allowList', 'envName']);
const KEEP_WARM_FIELDS = Object.freeze(['tenants', 'intervalSeconds']);
const MAX_HOSTNAME_LABEL = 126;

/** Every problem with the durable-object keys of `raw` (the whole settings object). */
export function tenantProblems(raw) {
  const problems = [];
  if (raw.pattern !== 'durable-object') {
    for (const key of TENANT_KEYS) {
      if (key in raw && raw[key] !== null) problems.push(`${key} is only valid with pattern "durable-object"`);
    }
    return problems;
  }

  const tenant = raw.tenant;
  let patternOk = false;
  if (!isPlainObject(tenant)) {
    problems.push(`pattern "durable-object" needs a tenant object {${TENANT_FIELDS.join(', ')}}`);
  } else {
    problems.push(...fieldProblems('tenant', tenant, TENANT_FIELDS));
    if (!TENANT_SOURCES.includes(tenant.source)) problems.push(`tenant.source must be one of ${TENANT_SOURCES.join(', ')}`);
    const prefix = tenant.pathPrefix;
    if (
      typeof prefix !== 'string' ||
      !/^\/[^{}?#]*[^/]$/.test(prefix) ||
      canonicalPath(prefix) !== prefix ||
      WORKER_PATHS.includes(prefix) ||
      isManagementPath(prefix)
    ) {
      problems.push('tenant.pathPrefix must be a path like "/t" (no trailing "/", not /ping, /ready or a Bento management path)');
    }
    if (typeof tenant.header !== 'string' || !HTTP_TOKEN.test(tenant.header)) {
      problems.push('tenant.header must be an HTTP header name');
    }
    const label = tenant.hostnameLabel;
    if (!Number.isInteger(label) || label < 0 || label > MAX_HOSTNAME_LABEL) {
      problems.push(`tenant.hostnameLabel must be an integer between 0 and ${MAX_HOSTNAME_LABEL}`);
    }
    const patternProblem = tenantPatternProblem(tenant.pattern);
    if (patternProblem !== null) problems.push(`tenant.pattern ${patternProblem}`);
    patternOk = patternProblem === null;
    if (tenant.allowList !== null) {
      if (!Array.isArray(tenant.allowList) || tenant.allowList.length === 0) {
        problems.push('tenant.allowList must be null or a non-empty list of tenant keys');
      } else if (patternOk) {
        problems.push(...keyListProblems('tenant.allowList', tenant.allowList, tenant));
      }
    }
    if (typeof tenant.envName !== 'string' || !ENV_NAME.test(tenant.envName)) {
      problems.push('tenant.envName must be an environment variable name');
    } else if (
      (isPlainObject(raw.envVars) && Object.hasOwn(raw.envVars, tenant.envName)) ||
      (Array.isArray(raw.secretEnvNames) && raw.secretEnvNames.includes(tenant.envName))
    ) {
      problems.push(`tenant.envName ${tenant.envName} is also in envVars or secretEnvNames; the tenant id owns it`);
    }
    const adminPath = raw.adminPath;
    if (
      tenant.source === 'path' &&
      typeof prefix === 'string' &&
      typeof adminPath === 'string' &&
      (adminPath === prefix || adminPath.startsWith(`${prefix}/`))
    ) {
      problems.push('adminPath must not be under tenant.pathPrefix');
    }
  }

  for (const key of ['wsPath', 'adminPath']) {
    const value = raw[key];
    if (value === undefined || value === null) continue;
    const problem = publicPathProblem(value);
    if (problem !== null) problems.push(`${key} ${problem}`);
  }
  if (typeof raw.wsPath === 'string' && raw.wsPath === raw.inputPath) problems.push('wsPath must differ from inputPath');

  const keepWarm = raw.keepWarm;
  if (keepWarm !== undefined && keepWarm !== null) {
    if (!isPlainObject(keepWarm)) {
      problems.push('keepWarm must be null or an object {tenants, intervalSeconds}');
    } else {
      problems.push(...fieldProblems('keepWarm', keepWarm, KEEP_WARM_FIELDS));
      if (!Array.isArray(keepWarm.tenants) || keepWarm.tenants.length === 0) {
        problems.push('keepWarm.tenants must be a non-empty list of tenant keys');
      } else if (patternOk) {
        problems.push(...keyListProblems('keepWarm.tenants', keepWarm.tenants, tenant));
        if (Array.isArray(tenant.allowList)) {
          const outside = keepWarm.tenants.filter(t => !tenant.allowList.includes(t));
          if (outside.length > 0) problems.push(`keepWarm.tenants not in tenant.allowList: ${outside.join(', ')}`);
        }
      }
      const sleepSeconds = sleepAfterSeconds(raw.sleepAfter);
      const interval = keepWarm.intervalSeconds;
      if (!Number.isInteger(interval) || interval < 1 || interval > 86400 || (sleepSeconds !== null && interval >= sleepSeconds)) {
        problems.push('keepWarm.intervalSeconds must be an integer >= 1 and shorter than sleepAfter');
      }
    }
  }
  return problems;
}

/** The validated durable-object part to merge into the frozen settings ({} for other patterns). */
export function tenantSettings(raw) {
  if (raw.pattern !== 'durable-object') return {};
  const t = raw.tenant;
  return {
    tenant: {
      source: t.source,
      pathPrefix: t.pathPrefix,
      header: t.header.toLowerCase(),
      hostnameLabel: t.hostnameLabel,
      pattern: t.pattern,
      allowList: t.allowList === null ? null : [...t.allowList],
      envName: t.envName,
    },
    wsPath: raw.wsPath ?? null,
    adminPath: raw.adminPath ?? null,
    keepWarm:
      raw.keepWarm === undefined || raw.keepWarm === null
        ? null
        : { tenants: [...raw.keepWarm.tenants], intervalSeconds: raw.keepWarm.intervalSeconds },
  };
}

/** null when `source` is usable as tenant.pattern: anchored, ASCII, a valid RegExp. */
export function tenantPatternProblem(source) {
  if (typeof source !== 'string' || !source.startsWith('^') || !source.endsWith('$')) {
    return 'must be a regular expression anchored with ^ and $';
  }
  if (!/^[\x20-\x7e]*$/.test(source)) return 'must be printable ASCII';
  try {
    tenantPattern(source);
  } catch {
    return 'is not a valid regular expression';
  }
  return null;
}

function keyListProblems(label, keys, tenant) {
  const problems = [];
  const bad = keys.filter(key => tenantKeyProblem(key, tenant) !== null);
  if (bad.length > 0) problems.push(`${label} has invalid tenant keys: ${bad.map(k => JSON.stringify(k)).join(', ')}`);
  if (new Set(keys).size !== keys.length) problems.push(`${label} has duplicates`);
  return problems;
}

function publicPathProblem(path) {
  if (typeof path !== 'string' || !path.startsWith('/') || path.includes('{') || canonicalPath(path) !== path) {
    return 'must be a plain path starting with "/"';
  }
  if (WORKER_PATHS.includes(path) || isManagementPath(path)) return 'must not be /ping, /ready or a Bento management path';
  return null;
}

function sleepAfterSeconds(sleepAfter) {
  const match = typeof sleepAfter === 'string' ? SLEEP_AFTER.exec(sleepAfter) : null;
  if (match === null) return null;
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2]];
}

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
