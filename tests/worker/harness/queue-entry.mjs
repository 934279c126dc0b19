// Test-only main module for the queue pattern: the real Worker (through standin-entry.mjs, which
// gives BentoContainer its stand-in ctx.container) with queue() observed, not changed. Each
// consumer invocation is reported to the stand-in after it returns: the batch's message ids and
// attempts and what the Worker decided (ackAll / retryAll and its delay).
//
// FORWARDING (a binding) chooses how batches reach the real queue():
//   "batch"                 the real handler, whole batch (the product)
//   "per-message"           bench only: one single-message batch after another
//   "per-message-parallel"  bench only: all single-message batches at once

import worker from './standin-entry.mjs';

export { BentoContainer } from './standin-entry.mjs';

export default {
  fetch: worker.fetch,
  scheduled: worker.scheduled,
  async queue(batch, env, ctx) {
    const mode = env.FORWARDING ?? 'batch';
    const observed = observe(batch);
    try {
      if (mode === 'batch') {
        await worker.queue(observed.batch, env, ctx);
      } else {
        const singles = batch.messages.map(message => observe(single(batch, message)));
        const run = single => worker.queue(single.batch, env, ctx);
        if (mode === 'per-message-parallel') await Promise.all(singles.map(run));
        else for (const one of singles) await run(one);
        singles.forEach((one, index) => settle(batch.messages[index], one.outcome));
        observed.outcome.perMessage = singles.map(one => one.outcome);
      }
    } finally {
      // The bench turns the report off (REPORT_INVOCATIONS "no"): it costs a request per batch.
      if (env.REPORT_INVOCATIONS !== 'no') await report(env, batch, observed.outcome);
    }
  },
};

async function report(env, batch, outcome) {
  await fetch(`${env.STANDIN_URL}/__standin/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      queue: batch.queue,
      ids: batch.messages.map(m => m.id),
      attempts: batch.messages.map(m => m.attempts),
      outcome,
    }),
  });
}

/** The batch as the Worker sees it, with its ackAll/retryAll calls recorded. */
function observe(batch) {
  const outcome = { ackAll: 0, retryAll: 0, delaySeconds: null };
  return {
    outcome,
    batch: {
      queue: batch.queue,
      messages: batch.messages,
      ackAll() {
        outcome.ackAll++;
        batch.ackAll();
      },
      retryAll(options) {
        outcome.retryAll++;
        outcome.delaySeconds = options?.delaySeconds ?? null;
        batch.retryAll(options);
      },
    },
  };
}

// A one-message batch whose ack/retry is applied to that message of the real batch.
function single(batch, message) {
  return { queue: batch.queue, messages: [message], ackAll() {}, retryAll() {} };
}

function settle(message, outcome) {
  if (outcome.ackAll > 0) message.ack();
  else message.retry({ delaySeconds: outcome.delaySeconds ?? 0 });
}
