// Per-tenant state, kept in the tenant's own Durable Object storage (so it survives restarts and
// evictions): which tenant this object belongs to, first seen, last active, request count, last
// error and the last keep-warm ping. One storage key, rewritten on each change; the DO's output
// gate holds each reply until its write is durable.

const STATE_KEY = 'bento-cf:tenant';
const MESSAGE_LIMIT = 200;

export class TenantState {
  constructor(storage) {
    this.storage = storage;
    this.loading = undefined;
  }

  /** The stored record (loaded once; concurrent callers share the load). */
  load() {
    this.loading ??= this.storage.get(STATE_KEY).then(stored => stored ?? emptyRecord());
    return this.loading;
  }

  /**
   * Binds this object to `tenant` on first use. false when it already belongs to another tenant
   * (cannot happen with idFromName(tenant); checked so that it never silently serves one).
   */
  async claim(tenant) {
    const record = await this.load();
    if (record.tenant === null) {
      record.tenant = tenant;
      await this.save(record);
    }
    return record.tenant === tenant;
  }

  /** A client request arrived (counted whatever its outcome). */
  async requestSeen(now = Date.now()) {
    const record = await this.load();
    record.firstSeen ??= now;
    record.lastActive = now;
    record.requestCount += 1;
    await this.save(record);
  }

  /** A reply the tenant's client got was an error of ours or Bento's (status >= 500). */
  async errorSeen(status, message, now = Date.now()) {
    const record = await this.load();
    record.lastError = { at: now, status, message: String(message).slice(0, MESSAGE_LIMIT) };
    await this.save(record);
  }

  async keepWarmPinged(status, now = Date.now()) {
    const record = await this.load();
    record.lastKeepWarm = { at: now, status };
    await this.save(record);
  }

  async tenant() {
    return (await this.load()).tenant;
  }

  /** The admin view: timestamps as ISO 8601 strings. */
  async snapshot() {
    const record = await this.load();
    return {
      tenant: record.tenant,
      firstSeen: iso(record.firstSeen),
      lastActive: iso(record.lastActive),
      requestCount: record.requestCount,
      lastError: record.lastError === null ? null : { ...record.lastError, at: iso(record.lastError.at) },
      lastKeepWarm: record.lastKeepWarm === null ? null : { ...record.lastKeepWarm, at: iso(record.lastKeepWarm.at) },
    };
  }

  async save(record) {
    await this.storage.put(STATE_KEY, record);
  }
}

function emptyRecord() {
  return { tenant: null, firstSeen: null, lastActive: null, requestCount: 0, lastError: null, lastKeepWarm: null };
}

function iso(ms) {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}
