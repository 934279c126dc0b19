// Test-only main module: the real Worker bundle ("./index.js"), with BentoContainer given a
// stand-in for ctx.container. Nothing else is replaced: @cloudflare/containers runs unmodified
// and does its own start / port polling / proxying against this object.
//
// The stand-in speaks to the Bento stand-in HTTP server (tests/worker/bento_standin.py):
//   start()                 -> POST /__standin/start (records env vars; answers the knobs)
//   getTcpPort(p).fetch()   -> the request, forwarded to the server, tagged with the instance
// and says "not listening" until the knobs let the port answer (cold start, never up, crash).

import worker, { BentoContainer as ProductionBentoContainer } from './index.js';

export default worker;

const NOT_LISTENING = 'the container is not listening';
// What the runtime reports when max_instances are all in use (see @cloudflare/containers).
const NO_INSTANCE = 'there is no container instance that can be provided to this durable object';

class StandInContainer {
  constructor(baseUrl, instance) {
    this.baseUrl = baseUrl;
    this.instance = instance;
    this.running = false;
    this.startInfo = null;
    this.exit = null;
  }

  start(config = {}) {
    if (this.running) throw new Error('start() cannot be called on a container that is already running.');
    this.running = true;
    this.exit = deferred();
    const startedAt = Date.now();
    const record = {
      instance: this.instance,
      env: config.env ?? {},
      entrypoint: config.entrypoint ?? null,
      enableInternet: config.enableInternet ?? null,
    };
    this.startInfo = fetch(`${this.baseUrl}/__standin/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(record),
    })
      .then(response => response.json())
      .then(knobs => {
        if (knobs.noInstance) this.stopped(new Error(NO_INSTANCE)); // over the stand-in's max running
        else if (knobs.exitCode !== null) this.stopped(new Error(`container exited with unexpected exit code: ${knobs.exitCode}`));
        return { ...knobs, startedAt };
      });
    // Avoid an unhandled rejection if nobody is monitoring yet.
    this.exit.promise.catch(() => {});
  }

  monitor() {
    if (this.exit === null) return Promise.reject(new Error('container not started'));
    return this.exit.promise;
  }

  signal() {
    this.stopped(null);
  }

  async destroy() {
    this.stopped(null);
  }

  getTcpPort(port) {
    return { fetch: (url, init) => this.portFetch(port, url, init) };
  }

  stopped(error) {
    if (!this.running) return;
    this.running = false;
    // Tell the server, which counts running containers (max_running).
    const stop = { method: 'POST', body: JSON.stringify({ instance: this.instance }) };
    fetch(`${this.baseUrl}/__standin/stop`, stop).then(r => r.body?.cancel(), () => {});
    if (error === null) this.exit.resolve();
    else this.exit.reject(error);
  }

  async portFetch(port, url, init) {
    if (!this.running || this.startInfo === null) throw new Error(NOT_LISTENING);
    const knobs = await this.startInfo;
    const listening =
      this.running && !knobs.neverListen && port === knobs.port && Date.now() >= knobs.startedAt + knobs.listenAfterMs;
    if (!listening) throw new Error(NOT_LISTENING);

    const request = new Request(url, init);
    const target = new URL(request.url);
    const headers = new Headers(request.headers);
    headers.set('x-standin-instance', this.instance);
    return fetch(`${this.baseUrl}${target.pathname}${target.search}`, {
      method: request.method,
      headers,
      body: request.body,
      redirect: 'manual',
      signal: request.signal,
    });
  }
}

export class BentoContainer extends ProductionBentoContainer {
  constructor(ctx, env) {
    // An own property on the real state object: workerd rejects a Proxy in its place.
    const instance = ctx.id.name ?? ctx.id.toString();
    Object.defineProperty(ctx, 'container', {
      value: new StandInContainer(env.STANDIN_URL, instance),
      configurable: true,
      enumerable: true,
    });
    super(ctx, env);
  }
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
