// `bento-cf dev`'s server: the real Worker bundle in workerd (miniflare), on 127.0.0.1 only,
// with every container forwarded to a Bento the developer runs (upstream-container.mjs).
//
//   node server.mjs STATUS_FD        (configuration: one JSON line on stdin)
//
// The configuration arrives on stdin, never on disk or argv, because it holds the secrets. Status
// lines go to STATUS_FD as JSON: {"ready": url} or {"error": message}. Serves until SIGINT,
// SIGTERM or stdin closing (the launcher went away).
//
// CONFIG: { workerDir, mainModule, moduleContent, compatibilityDate, compatibilityFlags, port,
//           settingsBinding, settings, containerBinding, secrets: {NAME: value}, upstream,
//           persistDir | null, triggerHandlers,
//           queue: null | { binding, name, deadLetterQueue | null, consumer: {...miniflare} } }

import { readFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const statusFd = Number(process.argv[2]);
const here = dirname(fileURLToPath(import.meta.url));
const virtualRoot = '/bento-cf-dev';

function status(message) {
  try {
    writeSync(statusFd, `${JSON.stringify(message)}\n`);
  } catch {
    // the launcher is gone; nothing to tell
  }
}

function readConfig() {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = chunk => {
      text += chunk;
      const end = text.indexOf('\n');
      if (end < 0) return;
      process.stdin.off('data', onData);
      try {
        resolve(JSON.parse(text.slice(0, end)));
      } catch (error) {
        reject(error);
      }
    };
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', onData);
    process.stdin.once('end', () => reject(new Error('no configuration on stdin')));
  });
}

function module(name, contents) {
  return { type: 'ESModule', path: `${virtualRoot}/${name}`, contents };
}

function workerOptions(config) {
  const queue = config.queue;
  return {
    name: 'bento-cf',
    modulesRoot: virtualRoot,
    modules: [
      module('upstream-container.mjs', readFileSync(join(here, 'upstream-container.mjs'), 'utf8')),
      module(config.mainModule, config.moduleContent),
    ],
    compatibilityDate: config.compatibilityDate,
    compatibilityFlags: config.compatibilityFlags,
    bindings: {
      [config.settingsBinding]: config.settings,
      BENTO_CF_DEV_UPSTREAM: config.upstream,
      ...config.secrets,
    },
    durableObjects: { [config.containerBinding]: { className: 'BentoContainer', useSQLite: true } },
    ...(queue === null
      ? {}
      : {
          queueProducers: { [queue.binding]: { queueName: queue.name } },
          queueConsumers: { [queue.name]: queue.consumer },
        }),
  };
}

function deadLetterWorker(config) {
  return {
    name: 'bento-cf-dead-letter-log',
    modulesRoot: virtualRoot,
    modules: [module('dead-letter-log.mjs', readFileSync(join(here, 'dead-letter-log.mjs'), 'utf8'))],
    compatibilityDate: config.compatibilityDate,
    queueConsumers: { [config.queue.deadLetterQueue]: { maxBatchSize: 100, maxBatchTimeout: 1, maxRetries: 0 } },
  };
}

let mf = null;
let closing = false;
async function shutdown(code = 0) {
  if (closing) return;
  closing = true;
  try {
    await mf?.dispose();
  } finally {
    process.exit(code);
  }
}
process.on('SIGTERM', () => shutdown(0));
process.on('SIGINT', () => shutdown(0));

let config;
try {
  config = await readConfig();
} catch (error) {
  status({ error: `the dev server got no usable configuration: ${error.message}` });
  process.exit(2);
}
process.stdin.on('end', () => shutdown(0));
process.stdin.on('close', () => shutdown(0));
process.stdin.resume();

let Miniflare;
try {
  // miniflare lives in the Worker project's node_modules (`npm ci` there).
  ({ Miniflare } = createRequire(join(config.workerDir, 'package.json'))('miniflare'));
} catch {
  status({ error: `miniflare is not installed; run: npm ci --prefix ${config.workerDir}` });
  process.exit(2);
}

const workers = [workerOptions(config)];
if (config.queue?.deadLetterQueue) workers.push(deadLetterWorker(config));

try {
  mf = new Miniflare({
    host: '127.0.0.1',
    port: config.port,
    // Only for a cron schedule: /cdn-cgi/handler/scheduled runs scheduled() on demand.
    unsafeTriggerHandlers: config.triggerHandlers,
    ...(config.persistDir ? { durableObjectsPersist: config.persistDir } : {}),
    workers,
  });
  const url = await mf.ready;
  status({ ready: url.toString() });
} catch (error) {
  status({ error: `workerd did not start: ${error?.message ?? error}` });
  await shutdown(2);
}
