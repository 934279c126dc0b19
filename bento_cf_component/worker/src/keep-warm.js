// Keep-warm (optional, off by default): for the tenants in keepWarm.tenants, a Durable Object
// alarm pings Bento's /ping every keepWarm.intervalSeconds, which is shorter than sleepAfter, so
// those tenants' containers never go to sleep (and are billed all the time; docs/tenant-pattern.md).
//
// Kick-off: the first request in each Worker isolate that passes the access check arms every
// listed tenant (an RPC to its Durable Object, in waitUntil). Arming is idempotent and persisted:
// the tick is a @cloudflare/containers schedule in the object's storage, and each tick schedules
// the next, so the chain survives evictions and restarts. A tenant removed from the list (or from
// the BENTO_CF_TENANTS allow-list) stops at its next tick.

import { getContainer } from '@cloudflare/containers';
import { CONTAINER_BINDING } from './settings.js';
import { tenantAllowed } from './tenant-allow-list.js';

/** The BentoContainer method the library's scheduler calls. */
export const KEEP_WARM_CALLBACK = 'keepWarmTick';

const PING_URL = 'http://container/ping';
const armedSettings = new WeakSet();

// ---- Worker side ----

/** Arms keep-warm for every listed tenant, once per isolate (retried if an arming failed). */
export function armKeepWarmOnce(env, settings, ctx) {
  if (settings.keepWarm === null || armedSettings.has(settings)) return;
  armedSettings.add(settings);
  const namespace = env[CONTAINER_BINDING];
  const tenants = settings.keepWarm.tenants.filter(tenant => tenantAllowed(tenant, settings, env));
  const work = Promise.allSettled(tenants.map(tenant => getContainer(namespace, tenant).armKeepWarm(tenant))).then(
    results => {
      const failed = results.filter(result => result.status === 'rejected');
      if (failed.length === 0) return;
      armedSettings.delete(settings);
      console.warn(`keep-warm: ${failed.length} tenant(s) not armed: ${failed[0].reason?.message ?? failed[0].reason}`);
    },
  );
  ctx?.waitUntil(work);
}

// ---- Durable Object side (container: the tenant's BentoContainer) ----

export function isKeepWarmTenant(container, tenant) {
  const settings = container.bentoSettings;
  return settings.keepWarm !== null && settings.keepWarm.tenants.includes(tenant) && tenantAllowed(tenant, settings, container.env);
}

/** Schedules the first tick unless one is pending; true when keep-warm is on for this tenant. */
export async function armKeepWarm(container, tenant) {
  if (!isKeepWarmTenant(container, tenant)) {
    container.deleteSchedules(KEEP_WARM_CALLBACK);
    return false;
  }
  const pending = await container.listSchedules(KEEP_WARM_CALLBACK);
  if (pending.length === 0) await container.schedule(0, KEEP_WARM_CALLBACK);
  return true;
}

/** One tick: schedule the next one, start the container if needed, ping Bento's /ping. */
export async function keepWarmTick(container) {
  const tenant = await container.tenantState.tenant();
  if (tenant === null || !isKeepWarmTenant(container, tenant)) return; // the chain ends here
  if ((await container.bindTenant(tenant)) !== null) return;

  // The next tick first, so that a failed ping does not end the chain.
  container.deleteSchedules(KEEP_WARM_CALLBACK);
  await container.schedule(container.bentoSettings.keepWarm.intervalSeconds, KEEP_WARM_CALLBACK);

  let status;
  const failure = await container.startForTenant();
  if (failure !== null) {
    status = failure.response.status;
  } else {
    // containerFetch renews the activity timeout: this is what keeps the container awake.
    const response = await container.containerFetch(new Request(PING_URL), container.defaultPort);
    await response.body?.cancel();
    status = response.status;
  }
  await container.tenantState.keepWarmPinged(status);
}
