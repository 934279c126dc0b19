// The queue pattern's part of BENTO_CF_SETTINGS: "queue" (required with pattern "queue") and
// "schedule" (optional, null or absent = no cron work). Contract: docs/architecture.md.

import { canonicalPath, isManagementPath } from './routing.js';
import { WORKER_PATHS, fieldProblems } from './validators.js';

export const QUEUE_KEYS = Object.freeze(['queue', 'schedule']);

const QUEUE_FIELDS = Object.freeze(['binding', 'ingestPath', 'retryDelaySeconds']);
const SCHEDULE_FIELDS = Object.freeze(['path']);
const BINDING_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Cloudflare Queues: a retry may be delayed by at most 12 hours.
const MAX_RETRY_DELAY_SECONDS = 12 * 60 * 60;

/** Every problem with the queue/schedule keys of `raw` (the whole settings object). */
export function queueProblems(raw) {
  const problems = [];
  if (raw.pattern !== 'queue') {
    for (const key of QUEUE_KEYS) {
      if (key in raw && raw[key] !== null) problems.push(`${key} is only valid with pattern "queue"`);
    }
    return problems;
  }

  const queue = raw.queue;
  if (queue === null || typeof queue !== 'object' || Array.isArray(queue)) {
    problems.push('pattern "queue" needs a queue object {binding, ingestPath, retryDelaySeconds}');
  } else {
    problems.push(...fieldProblems('queue', queue, QUEUE_FIELDS));
    if (typeof queue.binding !== 'string' || !BINDING_NAME.test(queue.binding)) {
      problems.push('queue.binding must be a binding name');
    }
    const pathProblem = publicPathProblem(queue.ingestPath);
    if (pathProblem !== null) problems.push(`queue.ingestPath ${pathProblem}`);
    const delay = queue.retryDelaySeconds;
    if (!Number.isInteger(delay) || delay < 0 || delay > MAX_RETRY_DELAY_SECONDS) {
      problems.push(`queue.retryDelaySeconds must be an integer between 0 and ${MAX_RETRY_DELAY_SECONDS}`);
    }
  }

  const schedule = raw.schedule;
  if (schedule !== undefined && schedule !== null) {
    if (typeof schedule !== 'object' || Array.isArray(schedule)) {
      problems.push('schedule must be null or an object {path}');
    } else {
      problems.push(...fieldProblems('schedule', schedule, SCHEDULE_FIELDS));
      if (typeof schedule.path !== 'string' || !schedule.path.startsWith('/') || isManagementPath(schedule.path)) {
        problems.push('schedule.path must start with "/" and not be a Bento management path');
      }
    }
  }

  // The consumer POSTs each batch to inputPath itself, so it must be a plain path taking POST.
  if (typeof raw.inputPath === 'string' && raw.inputPath.includes('{')) {
    problems.push('inputPath must be a literal path with pattern "queue" (the consumer posts to it)');
  }
  if (Array.isArray(raw.inputMethods) && !raw.inputMethods.includes('POST')) {
    problems.push('inputMethods must include POST with pattern "queue"');
  }
  return problems;
}

/** The validated queue/schedule part, merged into the frozen settings ({} for other patterns). */
export function queueSettings(raw) {
  if (raw.pattern !== 'queue') return {};
  const { binding, ingestPath, retryDelaySeconds } = raw.queue;
  const schedule = raw.schedule ?? null;
  return {
    queue: { binding, ingestPath, retryDelaySeconds },
    schedule: schedule === null ? null : { path: schedule.path },
  };
}

/** null when `path` can be a public Worker route of its own, else what is wrong with it. */
function publicPathProblem(path) {
  if (typeof path !== 'string' || !path.startsWith('/')) return 'must be a string starting with "/"';
  if (canonicalPath(path) !== path) return 'must be a plain path (no percent-escapes, "//" or dot segments)';
  if (WORKER_PATHS.includes(path) || isManagementPath(path)) {
    return 'must not be /ping, /ready or a Bento management path';
  }
  return null;
}
