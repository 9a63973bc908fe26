/**
 * The local host's HTTP instance: a worker thread that serves the app's HTTP-triggered
 * functions, as Flex Consumption runs its HTTP functions on instances of their own (per-function
 * scaling: the HTTP triggers form one group; every other function scales apart from them). It
 * loads the app like any instance (its own services, metrics and registrations) and reaches the
 * main thread — the background instance, which owns the broker — for what only the host has:
 * sending to the broker, the delivery backlog and the background's metrics.
 *
 * Started by `http-instance.ts`; driven over `InstanceChannel` (`listen`, `start`, `stop`).
 */
import { parentPort } from 'node:worker_threads';
import { createServer } from 'node:http';
import type { CosmosRequestCounts } from '../../shared/platform/cosmos/cosmos-request-meter.ts';
import { InstanceMessageBus, reviveBrokerError, type BrokerAccess } from '../broker/instance-message-bus.ts';
import { InstanceChannel } from './instance-channel.ts';
import { loadFunctionApp, type FunctionApp } from './function-app.ts';
import { createFunctionsHttpServer } from './http-server.ts';
import { closeServer, listen } from './http-listen.ts';
import { isMetricsRequest } from './local-metrics.ts';
import { mergeExpositions } from './prometheus-merge.ts';

/** What the main thread serves this instance. */
export interface BackgroundInstanceApi extends BrokerAccess {
  [method: string]: (...args: never[]) => unknown;
  scheduledDeliveries(): Promise<number>;
  metricsText(): Promise<string>;
}

/** What this instance serves the main thread. */
export interface HttpInstanceApi {
  [method: string]: (...args: never[]) => unknown;
  listen(port: number, host: string): Promise<number>;
  start(settings: Readonly<Record<string, string>>, logToConsole: boolean): Promise<void>;
  requestCounts(reset: boolean): CosmosRequestCounts;
  stop(): Promise<void>;
}

/** The group label `/metrics` puts on each instance's samples. */
export const FUNCTIONS_GROUP = { http: 'http', background: 'background' } as const;

if (!parentPort) throw new Error('http-instance-thread.ts runs as a worker thread of the local host (see http-instance.ts).');

const server = createServer({ maxHeaderSize: 16 * 1024 });
let app: FunctionApp | undefined;

const handlers: HttpInstanceApi = {
  listen: (port, host) => listen(server, port, host),
  async start(settings, logToConsole) {
    Object.assign(process.env, settings);
    const log = logToConsole ? (line: string) => console.log(line) : () => undefined;
    app = await loadFunctionApp({
      settings,
      adapters: { bus: new InstanceMessageBus({ send: (entity, messages) => channel.call('send', entity, messages), checkBus: () => channel.call('checkBus') }), deliveryBacklog: { scheduledDeliveries: () => channel.call('scheduledDeliveries') }, log },
    });
    const metrics = app.metrics;
    const functionsServer = createFunctionsHttpServer({
      functions: app.registry.functions,
      routePrefix: 'api',
      log,
      extraHandler: async (request, response) => {
        if (!isMetricsRequest(request)) return false;
        const [own, background] = await Promise.all([metrics.text(), channel.call('metricsText')]);
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end(mergeExpositions([
          { labels: { functions_group: FUNCTIONS_GROUP.http }, text: own },
          { labels: { functions_group: FUNCTIONS_GROUP.background }, text: background },
        ]));
        return true;
      },
    });
    server.on('request', (request, response) => functionsServer.emit('request', request, response));
  },
  requestCounts(reset) {
    const meter = app?.services.stages.requests;
    const counts = meter?.snapshot() ?? {};
    if (reset) meter?.reset();
    return counts;
  },
  async stop() {
    await closeServer(server);
    await app?.close();
    app = undefined;
  },
};

const channel: InstanceChannel<BackgroundInstanceApi> = new InstanceChannel(parentPort, handlers, reviveBrokerError);
