// The container class as the durable-object pattern uses it: one Durable Object (and so one Bento
// container) per tenant, named idFromName(tenant). For every other pattern it is exactly the
// request pattern's BentoContainer (src/container.js); lifecycle stays @cloudflare/containers'.
//
// Per tenant it adds: the tenant id as the container env var tenant.envName, the tenant's state in
// the DO's storage (src/tenant-state.js), "no instance free" mapped to 503 + Retry-After, and the
// keep-warm schedule (src/keep-warm.js). The Worker names the tenant in the internal header
// TENANT_HEADER; the object binds itself to the first tenant it sees and refuses any other.

import { BentoContainer as RequestPatternContainer, messageOf } from './container.js';
import { KEEP_WARM_CALLBACK, armKeepWarm, keepWarmTick } from './keep-warm.js';
import { jsonError, misconfigured } from './responses.js';
import { tenantKeyProblem } from './tenant-key.js';
import { TenantState } from './tenant-state.js';

/** Set by the Worker on each request to a tenant's object (a client's own value is replaced). */
export const TENANT_HEADER = 'x-bento-cf-tenant';

// @cloudflare/containers' words when the platform has no instance left (max_instances reached).
const NO_INSTANCE = 'there is no container instance that can be provided to this durable object';
const RATE_LIMITED = 'you are requesting too many containers per second';
// How long a request may wait for an instance to free up before it gets the 503 (the library's
// own default instance timeout; at most half the startup budget so Bento still has time to start).
const CAPACITY_WAIT_MS = 8_000;

export class BentoContainer extends RequestPatternContainer {
  constructor(ctx, env) {
    super(ctx, env);
    this.tenantState = new TenantState(ctx.storage);
    this.baseEnvVars = this.envVars;
  }

  get servesTenants() {
    return this.bentoSettings?.pattern === 'durable-object';
  }

  async fetch(request) {
    if (!this.servesTenants) return super.fetch(request);
    if (this.setupError !== undefined) return misconfigured(this.setupError);

    const refused = await this.bindTenant(request.headers.get(TENANT_HEADER));
    if (refused !== null) return refused;
    await this.tenantState.requestSeen();

    const headers = new Headers(request.headers);
    headers.delete(TENANT_HEADER);
    let outcome;
    try {
      outcome = await this.serveTenant(new Request(request, { headers }));
    } catch (error) {
      await this.tenantState.errorSeen(502, `proxying failed: ${messageOf(error)}`);
      throw error;
    }
    const { response, error } = outcome;
    if (response.status >= 500) await this.tenantState.errorSeen(response.status, error ?? `Bento answered ${response.status}`);
    return response;
  }

  /**
   * Starts the tenant's container if needed, then hands the request (HTTP or WebSocket) to it.
   * {response, error}: error is our own message when the Worker, not Bento, wrote the failure.
   */
  async serveTenant(request) {
    const failure = await this.startForTenant();
    if (failure !== null) return failure;
    // containerFetch proxies WebSocket upgrades both ways itself (close codes included).
    const response = await this.containerFetch(request, this.defaultPort);
    if (response.status === 500 && !this.container.running) {
      await response.body?.cancel();
      return this.unavailable('container_unavailable', 'the Bento container stopped; retry later');
    }
    return { response, error: null };
  }

  /** null once Bento's port answers, else {response: the 503 to send, error}. */
  async startForTenant() {
    const budgetMs = this.bentoSettings.startupBudgetMs;
    const notStarted = await this.startWithin(Math.min(CAPACITY_WAIT_MS, Math.ceil(budgetMs / 2)));
    if (notStarted === null) return null;

    const { error } = notStarted;
    if (mentions(error, NO_INSTANCE)) {
      console.warn(`no container instance free for this tenant: ${messageOf(error)}`);
      return this.unavailable(
        'capacity_exhausted',
        'every container instance is in use (the deployment reached max_instances); retry later',
      );
    }
    if (mentions(error, RATE_LIMITED)) {
      return this.unavailable('container_unavailable', 'too many containers are starting at once; retry later');
    }
    console.warn(`Bento container not ready within ${budgetMs} ms: ${messageOf(error)}`);
    return this.unavailable('container_unavailable', 'the Bento container is not ready yet');
  }

  /** A 503 with Retry-After: the client should come back later. */
  unavailable(code, message) {
    const response = jsonError(503, code, message, { 'retry-after': String(this.bentoSettings.retryAfterSeconds) });
    return { response, error: message };
  }

  /**
   * Binds this object to `tenant` (first use) and gives its container the tenant env var.
   * null when the request may go on, else the 500 to send (never serve another tenant's request).
   */
  async bindTenant(tenant) {
    const settings = this.bentoSettings;
    if (tenant === null || tenantKeyProblem(tenant, settings.tenant) !== null) {
      return misconfigured('the tenant Durable Object was called without a valid tenant');
    }
    const ownName = this.ctx.id.name;
    if ((ownName !== undefined && ownName !== tenant) || !(await this.tenantState.claim(tenant))) {
      console.error('tenant Durable Object refused a request for another tenant');
      return misconfigured('this Durable Object belongs to another tenant');
    }
    this.envVars = { ...this.baseEnvVars, [settings.tenant.envName]: tenant };
    return null;
  }

  // ---- RPC, from the Worker (admin endpoint, keep-warm) ----

  /** The admin view of this tenant; never starts the container. */
  async tenantStatus(tenant) {
    this.assertServesTenants();
    const own = await this.tenantState.tenant();
    if (own !== null && own !== tenant) throw new Error('this Durable Object belongs to another tenant');
    const state = await this.tenantState.snapshot();
    const container = await this.getState();
    return {
      ...state,
      tenant,
      container: {
        running: this.container.running,
        status: container.status,
        since: new Date(container.lastChange).toISOString(),
      },
      keepWarm: this.bentoSettings.keepWarm?.tenants.includes(tenant) ?? false,
    };
  }

  /** Starts the keep-warm schedule for `tenant` unless it is already pending (idempotent). */
  async armKeepWarm(tenant) {
    this.assertServesTenants();
    const refused = await this.bindTenant(tenant);
    if (refused !== null) throw new Error('this Durable Object belongs to another tenant');
    return armKeepWarm(this, tenant);
  }

  /** Called by the library's alarm loop (this.schedule) for each keep-warm tick. */
  async [KEEP_WARM_CALLBACK]() {
    if (!this.servesTenants) return;
    await keepWarmTick(this);
  }

  assertServesTenants() {
    if (!this.servesTenants) throw new Error('not a durable-object pattern deployment');
  }
}

function mentions(error, text) {
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 5; e = e.cause, depth++) {
    if (messageOf(e).toLowerCase().includes(text)) return true;
  }
  return false;
}
