// Which container instance serves a request: sticky by a header's hash, else random.

import { getContainer, getRandom } from '@cloudflare/containers';
import { CONTAINER_BINDING, ConfigError } from './settings.js';

/** The Durable Object namespace every instance (and tenant object) lives in. */
export function containerNamespace(env) {
  const namespace = env?.[CONTAINER_BINDING];
  if (namespace === undefined || typeof namespace.idFromName !== 'function') {
    throw new ConfigError(`binding ${CONTAINER_BINDING} is missing or not a Durable Object namespace`);
  }
  return namespace;
}

/** Same naming as getRandom(), so sticky and random choices land on the same instances. */
export function instanceName(index) {
  return `instance-${index}`;
}

/**
 * The Durable Object stub for this request. With instances.stickyHeader set, requests carrying
 * the same header value always reach the same instance; requests without the header (and all
 * requests when no sticky header is configured) go to a random one of instances.count.
 */
export async function pickInstance(namespace, settings, request) {
  const { count, stickyHeader } = settings.instances;
  if (stickyHeader !== null) {
    const value = request.headers.get(stickyHeader);
    if (value !== null) return getContainer(namespace, instanceName(stickyIndex(value, count)));
  }
  return getRandom(namespace, count);
}

/** FNV-1a (32-bit) of the UTF-8 value, modulo count: stable across isolates and deploys. */
export function stickyIndex(value, count) {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(value)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % count;
}
