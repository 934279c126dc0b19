// What every harness does once miniflare is built: announce its URL, serve until told to stop.

import { renameSync, writeFileSync } from 'node:fs';

/** Serve `mf` until stdin closes or SIGTERM/SIGINT; write {"url"} to readyPath once ready. */
export async function serveUntilStopped(mf, readyPath) {
  let closing = false;
  async function shutdown() {
    if (closing) return;
    closing = true;
    try {
      await mf.dispose();
    } finally {
      process.exit(0);
    }
  }
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  process.stdin.on('end', shutdown);
  process.stdin.on('close', shutdown);
  process.stdin.resume();

  const url = await mf.ready;
  // Written whole, then renamed, so the reader never sees half a file.
  writeFileSync(`${readyPath}.tmp`, JSON.stringify({ url: url.toString() }));
  renameSync(`${readyPath}.tmp`, readyPath);
}
