import { Worker } from 'node:worker_threads';
import type { CosmosRequestCounts } from '../../shared/platform/cosmos/cosmos-request-meter.ts';
import { InstanceChannel } from './instance-channel.ts';
import type { BackgroundInstanceApi, HttpInstanceApi } from './http-instance-thread.ts';

/**
 * The main thread's handle on the HTTP instance (`http-instance-thread.ts`): starts the worker,
 * has it listen (first, because the settings name the port), then load the app with the
 * settings; answers its calls with `background`. An exit the host did not ask for is reported
 * to `onExit` once (the HTTP API is gone; `npm start` stops the whole host then).
 */
export interface HttpInstance {
  readonly port: number;
  start(settings: Readonly<Record<string, string>>): Promise<void>;
  /** The Cosmos DB requests its services counted (`stageline.cosmos.requests`), optionally zeroing them. */
  requestCounts(reset: boolean): Promise<CosmosRequestCounts>;
  stop(): Promise<void>;
}

export interface HttpInstanceOptions {
  readonly port: number;
  readonly host: string;
  /** The request log on the console (as `npm start`), or nothing. */
  readonly logToConsole: boolean;
  readonly background: BackgroundInstanceApi;
  readonly onExit: (error: Error) => void;
  /** The thread's module (default `http-instance-thread.ts`; tests give their own). */
  readonly entry?: URL;
}

export async function startHttpInstance(options: HttpInstanceOptions): Promise<HttpInstance> {
  const worker = startWorker(options.entry ?? new URL('./http-instance-thread.ts', import.meta.url), process.execArgv);
  const channel = new InstanceChannel<HttpInstanceApi>(worker, options.background);
  let stopping = false;
  const gone = (error: Error) => {
    channel.close(error);
    if (stopping) return;
    stopping = true;
    options.onExit(error);
  };
  worker.on('error', (error) => gone(new Error(`The HTTP instance failed: ${error.stack ?? error.message}`)));
  worker.on('exit', (code) => gone(new Error(`The HTTP instance exited (code ${code}).`)));

  const stop = async () => {
    if (stopping) return;
    stopping = true;
    try {
      await channel.call('stop');
    } finally {
      await worker.terminate();
    }
  };
  try {
    const port = await channel.call('listen', options.port, options.host);
    return {
      port,
      start: (settings) => channel.call('start', settings, options.logToConsole),
      requestCounts: (reset) => channel.call('requestCounts', reset),
      stop,
    };
  } catch (error) {
    stopping = true;
    await worker.terminate();
    throw error;
  }
}

/**
 * The HTTP instance's thread. Given explicitly, `execArgv` makes the worker also apply NODE_OPTIONS
 * as it stands now, as a child process would (measured: left out, it does not); the tests' setup
 * file puts their loopback guard there. Node refuses process-wide V8 flags in a worker's
 * `execArgv` (`node --max-old-space-size=4096 local/main.ts` would not start: measured); they
 * apply to every thread of the process already, so the ones it names are left out.
 */
export function startWorker(entry: URL, execArgv: readonly string[]): Worker {
  const start = (argv: readonly string[]) => new Worker(entry, { name: 'stageline-http', execArgv: [...argv] });
  try {
    return start(execArgv);
  } catch (error) {
    const refused = refusedFlags(error);
    if (refused.length === 0) throw error;
    return start(execArgv.filter((flag) => !refused.includes(flag)));
  }
}

/** The flags an `ERR_WORKER_INVALID_EXEC_ARGV` names ("… invalid execArgv flags: --a, --b=1"). */
function refusedFlags(error: unknown): string[] {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code !== 'ERR_WORKER_INVALID_EXEC_ARGV' || typeof message !== 'string') return [];
  const colon = message.indexOf(':');
  return colon < 0 ? [] : message.slice(colon + 1).split(',').map((flag) => flag.trim()).filter((flag) => flag.startsWith('-'));
}
