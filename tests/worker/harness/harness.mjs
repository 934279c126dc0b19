// Runs the Worker bundle in workerd through miniflare, on 127.0.0.1 only.
//
//   node harness.mjs CONFIG.json
//
// CONFIG: { workerDir, bundlePath, compatibilityDate, compatibilityFlags, settings,
//           textBindings: {NAME: value}, standinUrl, readyPath, persistDir? }
// Writes {"url": "..."} to readyPath once ready (stdout is left to workerd's logs), then serves
// until stdin closes or SIGTERM.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { serveUntilStopped } from './lifecycle.mjs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
// miniflare lives in the Worker project's node_modules (installed by `npm ci` there).
const requireFromWorker = createRequire(join(config.workerDir, 'package.json'));
const { Miniflare } = requireFromWorker('miniflare');

const here = dirname(fileURLToPath(import.meta.url));
const virtualRoot = '/bento-cf-test';

const mf = new Miniflare({
  host: '127.0.0.1',
  port: 0,
  modulesRoot: virtualRoot,
  modules: [
    {
      type: 'ESModule',
      path: `${virtualRoot}/standin-entry.mjs`,
      contents: readFileSync(join(here, 'standin-entry.mjs'), 'utf8'),
    },
    { type: 'ESModule', path: `${virtualRoot}/index.js`, contents: readFileSync(config.bundlePath, 'utf8') },
  ],
  compatibilityDate: config.compatibilityDate,
  compatibilityFlags: config.compatibilityFlags,
  bindings: {
    BENTO_CF_SETTINGS: config.settings,
    STANDIN_URL: config.standinUrl,
    ...config.textBindings,
  },
  durableObjects: { BENTO_CONTAINER: { className: 'BentoContainer', useSQLite: true } },
  // Optional: Durable Object storage on disk, so a restarted harness finds it again.
  ...(config.persistDir ? { durableObjectsPersist: config.persistDir } : {}),
});

await serveUntilStopped(mf, config.readyPath);
