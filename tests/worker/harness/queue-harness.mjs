// Runs the Worker bundle in workerd through miniflare with real local queues, on 127.0.0.1 only.
//
//   node queue-harness.mjs CONFIG.json
//
// CONFIG: { workerDir, bundlePath, compatibilityDate, compatibilityFlags, settings,
//           textBindings, standinUrl, readyPath, forwarding, reportInvocations,
//           queue: { name, deadLetterQueue, maxBatchSize, maxBatchTimeout, maxRetries, retryDelay } }
// Two Workers: "bento-cf" (queue-entry.mjs around the real bundle) produces to and consumes the
// main queue; "dlq-recorder" consumes the dead-letter queue. Writes {"url": ...} to readyPath,
// then serves until stdin closes or SIGTERM. /cdn-cgi/handler/scheduled triggers scheduled().

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { serveUntilStopped } from './lifecycle.mjs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const requireFromWorker = createRequire(join(config.workerDir, 'package.json'));
const { Miniflare } = requireFromWorker('miniflare');

const here = dirname(fileURLToPath(import.meta.url));
const virtualRoot = '/bento-cf-test';
const module = (name, contents) => ({ type: 'ESModule', path: `${virtualRoot}/${name}`, contents });
const q = config.queue;

const mf = new Miniflare({
  host: '127.0.0.1',
  port: 0,
  unsafeTriggerHandlers: true,
  workers: [
    {
      name: 'bento-cf',
      modulesRoot: virtualRoot,
      modules: [
        module('queue-entry.mjs', readFileSync(join(here, 'queue-entry.mjs'), 'utf8')),
        module('standin-entry.mjs', readFileSync(join(here, 'standin-entry.mjs'), 'utf8')),
        module('index.js', readFileSync(config.bundlePath, 'utf8')),
      ],
      compatibilityDate: config.compatibilityDate,
      compatibilityFlags: config.compatibilityFlags,
      bindings: {
        BENTO_CF_SETTINGS: config.settings,
        STANDIN_URL: config.standinUrl,
        FORWARDING: config.forwarding ?? 'batch',
        REPORT_INVOCATIONS: config.reportInvocations === false ? 'no' : 'yes',
        ...config.textBindings,
      },
      durableObjects: { BENTO_CONTAINER: { className: 'BentoContainer', useSQLite: true } },
      queueProducers: { [config.settings.queue?.binding ?? 'BENTO_QUEUE']: { queueName: q.name } },
      queueConsumers: {
        [q.name]: {
          maxBatchSize: q.maxBatchSize,
          maxBatchTimeout: q.maxBatchTimeout,
          maxRetries: q.maxRetries,
          deadLetterQueue: q.deadLetterQueue,
          retryDelay: q.retryDelay,
        },
      },
    },
    {
      name: 'dlq-recorder',
      modules: [module('dlq-recorder.mjs', readFileSync(join(here, 'dlq-recorder.mjs'), 'utf8'))],
      modulesRoot: virtualRoot,
      compatibilityDate: config.compatibilityDate,
      bindings: { STANDIN_URL: config.standinUrl },
      queueConsumers: { [q.deadLetterQueue]: { maxBatchSize: 100, maxBatchTimeout: 0.05, maxRetries: 10 } },
    },
  ],
});

await serveUntilStopped(mf, config.readyPath);
