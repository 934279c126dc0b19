// The queue pattern: producers POST to queue.ingestPath -> Cloudflare Queue -> queue() hands
// each batch to Bento in ONE request (multipart, see batch-encoding.js) and acknowledges it only
// when Bento accepted it; scheduled() POSTs {} to schedule.path on a cron trigger.
//
// Instance choice: each consumer invocation (and each cron run) picks one instance at random
// among instances.count, exactly like the request pattern without a sticky header.

import { checkAccess } from './access.js';
import { bodyBytes, encodeBatch, UnencodableBody } from './batch-encoding.js';
import { enqueue, IngestRefusal, LIMITS, QueueSendFailed, splitMessages } from './queue-ingest.js';
import { callInstance, ping, ready } from './request-pattern.js';
import { jsonError, jsonResponse, methodNotAllowed, notFound } from './responses.js';
import { canonicalPath, isManagementPath } from './routing.js';
import { ConfigError, loadSettings } from './settings.js';

const INGEST_METHODS = Object.freeze(['POST']);
const SPLIT_TYPES = Object.freeze(['application/json', 'application/x-ndjson']);
// The host is never looked at: the container proxy only uses the path and query.
const INTERNAL_ORIGIN = 'http://bento-cf.internal';

/** fetch(): /ping, /ready, the ingest path; management paths and everything else are 404. */
export async function handleQueuePattern(request, env, settings) {
  const path = canonicalPath(new URL(request.url).pathname);
  if (path === '/ping') return ping(request);
  if (path === '/ready') return ready(request, env, settings);
  if (path === null || isManagementPath(path)) return notFound();
  if (path === settings.queue.ingestPath) return ingest(request, env, settings);
  return notFound();
}

/** One message, a JSON array (one per element) or NDJSON (one per line) -> the queue -> 202. */
async function ingest(request, env, settings) {
  if (!INGEST_METHODS.includes(request.method)) return methodNotAllowed(INGEST_METHODS);
  const denied = await checkAccess(request, settings, env);
  if (denied !== null) return denied;
  const queue = queueBinding(env, settings);

  const contentType = request.headers.get('content-type');
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (!isSplitType(contentType) && declared > LIMITS.messageBytes) {
    await request.body?.cancel();
    return jsonError(
      413,
      'payload_too_large',
      `the message is ${declared} bytes; a queue message may be at most ${LIMITS.messageBytes} bytes`,
    );
  }

  let messages;
  try {
    messages = splitMessages(contentType, new Uint8Array(await request.arrayBuffer()));
  } catch (error) {
    if (error instanceof IngestRefusal) return jsonError(error.status, error.code, error.message);
    throw error;
  }
  if (messages.length === 0) return jsonResponse(202, { accepted: 0 });

  try {
    return jsonResponse(202, { accepted: await enqueue(queue, messages) });
  } catch (error) {
    if (!(error instanceof QueueSendFailed)) throw error;
    console.error(`bento-cf ingest: ${error.message}`);
    return jsonResponse(
      503,
      {
        error: 'queue_unavailable',
        message: 'the queue did not take every message; the first "accepted" ones were queued',
        accepted: error.accepted,
      },
      { 'retry-after': String(settings.retryAfterSeconds) },
    );
  }
}

/**
 * queue(): the whole batch to Bento in one request. Bento 2xx -> ackAll; anything else (an error
 * status, the container not up within startupBudgetMs, an unreachable instance) -> retryAll with
 * queue.retryDelaySeconds. Nothing is acknowledged that Bento did not take.
 */
export async function consumeQueueBatch(batch, env) {
  let settings;
  try {
    settings = loadSettings(env);
    if (settings.pattern !== 'queue') throw new ConfigError(`queue() called but pattern is "${settings.pattern}"`);
  } catch (error) {
    console.error(`bento-cf queue consumer misconfigured: ${error?.message ?? error}; retrying the batch`);
    batch.retryAll();
    return;
  }
  const retry = { delaySeconds: settings.queue.retryDelaySeconds };

  const entries = [];
  const unencodable = [];
  for (const message of batch.messages) {
    try {
      const { bytes, contentType } = bodyBytes(message.body);
      entries.push({ message, id: message.id, attempts: message.attempts, timestamp: message.timestamp, bytes, contentType });
    } catch (error) {
      if (!(error instanceof UnencodableBody)) throw error;
      console.error(`bento-cf queue message ${message.id}: ${error.message}; retrying it alone`);
      unencodable.push(message);
    }
  }

  const accepted = entries.length > 0 && (await forwardBatch(env, settings, batch.queue, entries));
  if (unencodable.length === 0) {
    if (accepted) batch.ackAll();
    else batch.retryAll(retry);
    return;
  }
  // Mixed outcome: decide message by message (the unencodable ones never reached Bento).
  for (const message of unencodable) message.retry(retry);
  for (const { message } of entries) {
    if (accepted) message.ack();
    else message.retry(retry);
  }
}

/** scheduled(): POST {} to schedule.path on one instance; a failure fails the invocation. */
export async function runSchedule(controller, env) {
  const settings = loadSettings(env);
  if (settings.pattern !== 'queue' || settings.schedule === null) {
    console.warn('bento-cf: a cron trigger fired but no schedule is configured; nothing to do');
    return;
  }
  const request = new Request(new URL(settings.schedule.path, INTERNAL_ORIGIN), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-bento-cf-trigger': 'scheduled',
      'x-bento-cf-cron': controller?.cron ?? '',
      'x-bento-cf-scheduled-time': new Date(controller?.scheduledTime ?? Date.now()).toISOString(),
    },
    body: '{}',
  });
  const response = await callInstance(env, settings, request, request);
  await response.body?.cancel();
  if (!response.ok) {
    throw new Error(`bento-cf scheduled POST ${settings.schedule.path} was answered ${response.status}`);
  }
}

/** true when Bento answered 2xx to the batch request. */
async function forwardBatch(env, settings, queueName, entries) {
  const { headers, body } = encodeBatch(queueName, entries);
  const request = new Request(new URL(settings.inputPath, INTERNAL_ORIGIN), { method: 'POST', headers, body });
  let response;
  try {
    response = await callInstance(env, settings, request, request);
  } catch (error) {
    console.error(`bento-cf queue batch of ${entries.length} not delivered: ${error?.message ?? error}`);
    return false;
  }
  if (response.ok) {
    await response.body?.cancel();
    return true;
  }
  const detail = (await response.text().catch(() => '')).slice(0, 200);
  console.warn(`bento-cf queue batch of ${entries.length} refused: ${response.status} ${detail}`);
  return false;
}

function queueBinding(env, settings) {
  const queue = env?.[settings.queue.binding];
  if (queue === undefined || typeof queue.sendBatch !== 'function') {
    throw new ConfigError(`binding ${settings.queue.binding} is missing or not a queue producer`);
  }
  return queue;
}

function isSplitType(contentType) {
  return SPLIT_TYPES.includes((contentType ?? '').split(';')[0].trim().toLowerCase());
}
