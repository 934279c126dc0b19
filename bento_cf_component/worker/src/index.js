// Worker entry point: exports the fetch handler and the container class BentoContainer.
// Everything deployment-specific comes from the JSON binding BENTO_CF_SETTINGS.

import { consumeQueueBatch, handleQueuePattern, runSchedule } from './queue-pattern.js';
import { handleRequestPattern } from './request-pattern.js';
import { badGateway, misconfigured } from './responses.js';
import { assertSupportedPattern, ConfigError, loadSettings } from './settings.js';
import { handleTenantPattern } from './tenant-pattern.js';

// container.js's class, plus the per-tenant behaviour the durable-object pattern switches on.
export { BentoContainer } from './tenant-container.js';

// One handler per deployment pattern.
const PATTERN_HANDLERS = Object.freeze({
  request: handleRequestPattern,
  queue: handleQueuePattern,
  'durable-object': handleTenantPattern,
});

export default {
  async fetch(request, env, ctx) {
    try {
      const settings = loadSettings(env);
      assertSupportedPattern(settings);
      return await PATTERN_HANDLERS[settings.pattern](request, env, settings, ctx);
    } catch (error) {
      if (error instanceof ConfigError) {
        console.error(`bento-cf Worker misconfigured: ${error.message}`);
        return misconfigured(error.message);
      }
      // Log the detail for the operator; the client only learns that it failed.
      console.error(`bento-cf Worker error: ${error?.stack ?? error}`);
      return badGateway();
    }
  },

  // The queue pattern's consumer and cron trigger (src/queue-pattern.js).
  queue: consumeQueueBatch,
  scheduled: runSchedule,
};
