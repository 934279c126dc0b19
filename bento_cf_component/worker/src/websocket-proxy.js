// WebSocket upgrades on wsPath (durable-object pattern): the upgrade request goes to the tenant's
// Durable Object, whose containerFetch (@cloudflare/containers) opens the WebSocket to Bento's
// http_server ws_path and relays messages both ways; a close on either side is passed on with its
// code and reason (1005/1006, which cannot be sent, become 1000). This file decides which
// requests are upgrades and what the upgrade request to the container carries.

import { forwardedRequest } from './forwarding.js';
import { jsonError } from './responses.js';

/** A WebSocket opening handshake (RFC 6455 §4.1: GET with Upgrade: websocket). */
export function isWebSocketUpgrade(request) {
  return request.method === 'GET' && (request.headers.get('upgrade') ?? '').toLowerCase() === 'websocket';
}

/**
 * The upgrade request for the container: like forwardedRequest (our Authorization and the
 * hop-by-hop headers dropped), but keeping "Upgrade: websocket", without which no WebSocket is
 * opened. The Sec-WebSocket-* headers pass as they are.
 */
export function upgradeRequest(request, url, { dropAuthorization }) {
  const forwarded = forwardedRequest(request, { dropAuthorization });
  const headers = new Headers(forwarded.headers);
  headers.set('upgrade', 'websocket');
  return new Request(url, { method: 'GET', headers, redirect: 'manual' });
}

/** A plain request on wsPath: say how to use it. */
export function upgradeRequired() {
  return jsonError(426, 'upgrade_required', 'this path takes WebSocket connections only', { upgrade: 'websocket' });
}
