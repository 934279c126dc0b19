// Runtime settings from the JSON binding BENTO_CF_SETTINGS (contract: docs/architecture.md).
// Parsed and validated once per isolate; every problem found is named in one ConfigError.

import { QUEUE_KEYS, queueProblems, queueSettings } from './settings-queue.js';
import { TENANT_KEYS, tenantProblems, tenantSettings } from './settings-tenant.js';
import { ENV_NAME, HTTP_TOKEN, SLEEP_AFTER } from './validators.js';

export const SETTINGS_BINDING = 'BENTO_CF_SETTINGS';
export const ACCESS_TOKEN_BINDING = 'BENTO_CF_ACCESS_TOKEN';
export const CONTAINER_BINDING = 'BENTO_CONTAINER';

// Patterns this Worker build serves.
export const SUPPORTED_PATTERNS = Object.freeze(['request', 'queue', 'durable-object']);

const KNOWN_KEYS = Object.freeze([
  'access',
  'envVars',
  'inputMethods',
  'inputPath',
  'instances',
  'pattern',
  'port',
  'responseMode',
  'retryAfterSeconds',
  'secretEnvNames',
  'sleepAfter',
  'startupBudgetMs',
]);
const RESPONSE_MODES = Object.freeze(['sync', 'accepted']);
const ACCESS_MODES = Object.freeze(['bearer', 'public']);

/** Misconfigured Worker: answered with 500 and this message (never contains secret values). */
export class ConfigError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ConfigError';
  }
}

// The JSON binding is the same object for the life of the isolate, so validate it once.
const validated = new WeakMap();

/** The validated settings for this env, or throws ConfigError. */
export function loadSettings(env) {
  const raw = env?.[SETTINGS_BINDING];
  if (raw === null || typeof raw !== 'object') {
    throw new ConfigError(`binding ${SETTINGS_BINDING} is missing or not a JSON object`);
  }
  let settings = validated.get(raw);
  if (settings === undefined) {
    settings = validateSettings(raw);
    validated.set(raw, settings);
  }
  return settings;
}

/** Checks the shape of the settings object and returns a frozen copy. */
export function validateSettings(raw) {
  const problems = [];
  const isInt = (value, min, max) => Number.isInteger(value) && value >= min && value <= max;

  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.includes(key) && !QUEUE_KEYS.includes(key) && !TENANT_KEYS.includes(key)) problems.push(`unknown key "${key}"`);
  }
  for (const key of KNOWN_KEYS) {
    if (!(key in raw)) problems.push(`missing key "${key}"`);
  }
  if (problems.length > 0) throw settingsError(problems);

  if (typeof raw.pattern !== 'string') problems.push('pattern must be a string');
  if (!isInt(raw.port, 1, 65535)) problems.push('port must be an integer 1-65535');
  if (typeof raw.inputPath !== 'string' || !raw.inputPath.startsWith('/')) {
    problems.push('inputPath must be a string starting with "/"');
  }
  if (
    !Array.isArray(raw.inputMethods) ||
    raw.inputMethods.length === 0 ||
    !raw.inputMethods.every(m => typeof m === 'string' && HTTP_TOKEN.test(m) && m === m.toUpperCase())
  ) {
    problems.push('inputMethods must be a non-empty list of upper-case HTTP methods');
  }
  if (!RESPONSE_MODES.includes(raw.responseMode)) {
    problems.push(`responseMode must be one of ${RESPONSE_MODES.join(', ')}`);
  }
  const instances = raw.instances;
  if (instances === null || typeof instances !== 'object') {
    problems.push('instances must be an object');
  } else {
    if (!isInt(instances.count, 1, 10000)) problems.push('instances.count must be an integer >= 1');
    const sticky = instances.stickyHeader;
    if (sticky !== null && (typeof sticky !== 'string' || !HTTP_TOKEN.test(sticky))) {
      problems.push('instances.stickyHeader must be null or a header name');
    }
  }
  if (raw.access === null || typeof raw.access !== 'object' || !ACCESS_MODES.includes(raw.access.mode)) {
    problems.push(`access.mode must be one of ${ACCESS_MODES.join(', ')}`);
  }
  if (!isInt(raw.startupBudgetMs, 1, 15 * 60 * 1000)) {
    problems.push('startupBudgetMs must be an integer between 1 and 900000');
  }
  if (!isInt(raw.retryAfterSeconds, 0, 86400)) {
    problems.push('retryAfterSeconds must be an integer between 0 and 86400');
  }
  if (typeof raw.sleepAfter !== 'string' || !SLEEP_AFTER.test(raw.sleepAfter)) {
    problems.push('sleepAfter must look like "30s", "10m" or "1h"');
  }
  const envVars = raw.envVars;
  if (
    envVars === null ||
    typeof envVars !== 'object' ||
    Array.isArray(envVars) ||
    !Object.entries(envVars).every(([k, v]) => ENV_NAME.test(k) && typeof v === 'string')
  ) {
    problems.push('envVars must map environment variable names to strings');
  }
  const secretNames = raw.secretEnvNames;
  if (!Array.isArray(secretNames) || !secretNames.every(n => typeof n === 'string' && ENV_NAME.test(n))) {
    problems.push('secretEnvNames must be a list of environment variable names');
  } else if (envVars && typeof envVars === 'object') {
    for (const name of secretNames) {
      if (Object.hasOwn(envVars, name)) problems.push(`${name} is in both envVars and secretEnvNames`);
    }
  }
  problems.push(...queueProblems(raw));
  problems.push(...tenantProblems(raw));
  if (problems.length > 0) throw settingsError(problems);

  return deepFreeze({
    pattern: raw.pattern,
    port: raw.port,
    inputPath: raw.inputPath,
    inputMethods: [...raw.inputMethods],
    responseMode: raw.responseMode,
    instances: { count: instances.count, stickyHeader: instances.stickyHeader },
    access: { mode: raw.access.mode },
    startupBudgetMs: raw.startupBudgetMs,
    retryAfterSeconds: raw.retryAfterSeconds,
    sleepAfter: raw.sleepAfter,
    envVars: { ...envVars },
    secretEnvNames: [...secretNames],
    ...queueSettings(raw),
    ...tenantSettings(raw),
  });
}

/** Throws ConfigError unless this Worker build serves settings.pattern. */
export function assertSupportedPattern(settings) {
  if (!SUPPORTED_PATTERNS.includes(settings.pattern)) {
    throw new ConfigError(
      `pattern "${settings.pattern}" is not supported by this Worker build ` +
        `(supported: ${SUPPORTED_PATTERNS.join(', ')})`,
    );
  }
}

/**
 * Environment of the container: the plain envVars plus each secret read from its Worker
 * secret binding. Values are strings, as the container runtime requires.
 */
export function containerEnvVars(settings, env) {
  const vars = { ...settings.envVars };
  const missing = [];
  for (const name of settings.secretEnvNames) {
    const value = env?.[name];
    if (typeof value !== 'string') {
      missing.push(name);
      continue;
    }
    vars[name] = value;
  }
  if (missing.length > 0) {
    throw new ConfigError(`secret binding(s) missing or not text: ${missing.join(', ')}`);
  }
  return vars;
}

function settingsError(problems) {
  return new ConfigError(`invalid ${SETTINGS_BINDING}: ${problems.join('; ')}`);
}

function deepFreeze(value) {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
