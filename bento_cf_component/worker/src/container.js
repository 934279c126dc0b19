// The container-enabled Durable Object: one Bento container per instance. Lifecycle (start,
// port polling, activity timeout, stop) is @cloudflare/containers'; this class only supplies
// the settings and a start budget, and turns "not up in time" into a 503 the client can retry.

import { Container } from '@cloudflare/containers';
import { containerUnavailable, misconfigured } from './responses.js';
import { ConfigError, containerEnvVars, loadSettings } from './settings.js';

// How often to knock on Bento's port while it starts (library default: 300 ms). Shorter means
// a request waiting on a cold start is let through sooner.
const PORT_POLL_INTERVAL_MS = 100;

export class BentoContainer extends Container {
  constructor(ctx, env) {
    const setup = containerSetup(env);
    super(ctx, env, setup.options);
    this.bentoSettings = setup.settings;
    this.setupError = setup.error;
  }

  /** Forwards the Worker's request to Bento, starting the container first if needed. */
  async fetch(request) {
    if (this.setupError !== undefined) return misconfigured(this.setupError);
    const budgetMs = this.bentoSettings.startupBudgetMs;
    const notStarted = await this.startWithin(budgetMs);
    if (notStarted !== null) {
      // A slow start keeps going in the background; the client's retry will find it warmer.
      console.warn(`Bento container not ready within ${budgetMs} ms: ${messageOf(notStarted.error)}`);
      return containerUnavailable(this.bentoSettings);
    }

    const response = await this.containerFetch(request, this.defaultPort);
    // containerFetch answers 500 itself when the container vanished mid-request; tell the client
    // to retry instead. A 500 from a Bento that is still running is Bento's own and passes.
    if (response.status === 500 && !this.container.running) {
      await response.body?.cancel();
      return containerUnavailable(this.bentoSettings, 'the Bento container stopped; retry later');
    }
    return response;
  }

  /**
   * Starts the container unless it is already up and waits for Bento's port: at most
   * startupBudgetMs in all, of which at most instanceWaitMs for the platform to provide an
   * instance. null once the port answers, else {error} (the library's reason) for the caller
   * to log and answer.
   */
  async startWithin(instanceWaitMs) {
    const { status } = await this.getState();
    if (this.container.running && status === 'healthy') return null;

    const budgetMs = this.bentoSettings.startupBudgetMs;
    try {
      await this.startAndWaitForPorts({
        ports: this.defaultPort,
        cancellationOptions: {
          abort: AbortSignal.timeout(budgetMs),
          instanceGetTimeoutMS: instanceWaitMs,
          portReadyTimeoutMS: budgetMs,
          waitInterval: PORT_POLL_INTERVAL_MS,
        },
      });
      return null;
    } catch (error) {
      return { error };
    }
  }
}

/** Constructor options from the settings binding, or the reason they can't be built. */
function containerSetup(env) {
  try {
    const settings = loadSettings(env);
    return {
      settings,
      options: {
        defaultPort: settings.port,
        sleepAfter: settings.sleepAfter,
        envVars: containerEnvVars(settings, env),
      },
      error: undefined,
    };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { settings: undefined, options: undefined, error: error.message };
  }
}

/** An error's message, also for values thrown that are not Errors. */
export function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}
