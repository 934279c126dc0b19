// Dev-only main module: the real Worker bundle ("./index.js") with one change — the container
// *process* behind every BentoContainer is a Bento the developer runs themselves at
// BENTO_CF_DEV_UPSTREAM. @cloudflare/containers runs unmodified; it starts, polls, proxies and
// stops this stand-in exactly as it would a Cloudflare container.
//
//   start()               probe the upstream's /ping; answers -> "started", else the container
//                         "exits" with a clear log line (the request gets the Worker's 503)
//   getTcpPort(p).fetch   the request, sent to the upstream (same method, path, query, body)
//   signal()/destroy()    "stopped" (sleep_after reached); the upstream itself keeps running

import worker, { BentoContainer as WorkerBentoContainer } from './index.js';

export default worker;

const UPSTREAM_BINDING = 'BENTO_CF_DEV_UPSTREAM';
const SETTINGS_BINDING = 'BENTO_CF_SETTINGS';
// The runtime's words for a port nobody listens on: the library keeps polling on these.
const NOT_LISTENING = 'the container is not listening';
const PING_TIMEOUT_MS = 2_000;

class UpstreamContainer {
  constructor(upstream, instance, secretNames) {
    this.upstream = upstream;
    this.instance = instance;
    this.secretNames = new Set(secretNames);
    this.running = false;
    this.started = null; // resolves true once the upstream answered /ping, false if it did not
    this.exit = null;
  }

  start(config = {}) {
    if (this.running) throw new Error('start() cannot be called on a container that is already running.');
    this.running = true;
    this.exit = deferred();
    this.exit.promise.catch(() => {}); // nobody may be monitoring yet
    this.started = this.probe().then(problem => {
      if (problem === null) {
        log(`${this.instance}: started -> ${this.upstream} answers /ping${this.envNote(config.env)}`);
        return true;
      }
      log(
        `${this.instance}: upstream ${this.upstream} does not answer /ping (${problem}); ` +
          `start Bento there — until then requests get 503 + Retry-After`,
      );
      this.stopped(exitError(`the upstream Bento at ${this.upstream} is not reachable: ${problem}`));
      return false;
    });
  }

  monitor() {
    if (this.exit === null) return Promise.reject(new Error('container not started'));
    return this.exit.promise;
  }

  signal() {
    if (this.running) log(`${this.instance}: stopped (sleep_after reached; the upstream keeps running)`);
    this.stopped(null);
  }

  async destroy() {
    this.stopped(null);
  }

  getTcpPort() {
    // Whatever the port, it is the upstream's: the developer's Bento listens where they said.
    return { fetch: (url, init) => this.portFetch(url, init) };
  }

  async portFetch(url, init) {
    if (!this.running || this.started === null || !(await this.started)) throw new Error(NOT_LISTENING);
    const request = new Request(url, init);
    const target = new URL(request.url);
    try {
      return await fetch(`${this.upstream}${target.pathname}${target.search}`, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        signal: request.signal,
      });
    } catch (error) {
      // The upstream went away mid-traffic: like a container that exited, so the Worker answers
      // 503 + Retry-After and the next request starts (probes) again. A client abort is not that.
      if (!request.signal?.aborted) {
        log(`${this.instance}: upstream ${this.upstream} stopped answering (${messageOf(error)})`);
        this.stopped(exitError(`the upstream Bento at ${this.upstream} stopped answering`));
      }
      throw error;
    }
  }

  async probe() {
    try {
      const response = await fetch(`${this.upstream}/ping`, { signal: AbortSignal.timeout(PING_TIMEOUT_MS) });
      await response.body?.cancel();
      return response.ok ? null : `it answered ${response.status}`;
    } catch (error) {
      return messageOf(error);
    }
  }

  /** The env the container would get: a user-run Bento must be given it by hand (no secret values). */
  envNote(env) {
    const names = Object.keys(env ?? {}).sort();
    if (names.length === 0) return '';
    const shown = names.map(name => (this.secretNames.has(name) ? `${name}=<secret>` : `${name}=${env[name]}`));
    return ` (container env, set it on your Bento if it reads it: ${shown.join(' ')})`;
  }

  stopped(error) {
    if (!this.running) return;
    this.running = false;
    if (error === null) this.exit.resolve();
    else this.exit.reject(error);
  }
}

export class BentoContainer extends WorkerBentoContainer {
  constructor(ctx, env) {
    // An own property on the real state object: workerd refuses a Proxy in its place.
    const instance = ctx.id.name ?? ctx.id.toString();
    Object.defineProperty(ctx, 'container', {
      value: new UpstreamContainer(env[UPSTREAM_BINDING], instance, secretNames(env)),
      configurable: true,
      enumerable: true,
    });
    super(ctx, env);
  }
}

function secretNames(env) {
  const names = env?.[SETTINGS_BINDING]?.secretEnvNames;
  return Array.isArray(names) ? names : [];
}

function log(message) {
  console.log(`[bento-cf dev] ${message}`);
}

/** The container's "exit" error. The library logs it; our stack trace would only be noise there. */
function exitError(message) {
  const error = new Error(message);
  error.stack = `Error: ${message}`;
  return error;
}

function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
