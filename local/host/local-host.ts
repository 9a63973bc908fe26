import { mkdirSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createServer } from 'node:http';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import { containers } from '../../shared/platform/cosmos-containers.ts';
import { queues, topics } from '../../shared/platform/messaging-entities.ts';
import type { Services } from '../../shared/composition-root.ts';
import type { CosmosRequestCounts } from '../../shared/platform/cosmos/cosmos-request-meter.ts';
import { DYNAMIC_STAGES_FLAG } from '../../shared/flags/ports/feature-gate.port.ts';
import { startCosmosServer } from '../cosmos/cosmos-server.ts';
import type { CosmosFaults } from '../cosmos/cosmos-faults.ts';
import { startAzurite } from '../azurite/azurite-launcher.ts';
import { ensureBlobContainers } from '../azurite/azurite-containers.ts';
import { blobContainers } from '../../shared/platform/blob-containers.ts';
import { LocalBroker } from '../broker/local-broker.ts';
import { LocalBrokerMessageBus } from '../broker/local-message-bus.adapter.ts';
import { startGoogleCalendarFake, type GoogleCalendarFake } from '../fakes/google-calendar/index.ts';
import { ensureDevIssuer } from '../dev-issuer.ts';
import { ensureLocalKeyRing } from '../keys/local-keys.ts';
import { ensureLocalCalendarSecrets } from '../keys/local-calendar-secrets.ts';
import { readLocalSettings } from './local-settings.ts';
import { createFunctionsHttpServer } from './http-server.ts';
import { startTriggers, type TriggerSet } from './trigger-runners.ts';
import type { LocalMetrics } from './local-metrics.ts';
import { loadFunctionApp } from './function-app.ts';
import { closeServer, listen } from './http-listen.ts';
import { startHttpInstance, type HttpInstance } from './http-instance.ts';
import type { BackgroundInstanceApi } from './http-instance-thread.ts';

export interface LocalHostOptions {
  /** Where every journal and data file lives (default `.stageline` in the project). */
  readonly dataDir?: string;
  readonly projectDir?: string;
  /** HTTP port of the functions (7071); 0 picks a free one. */
  readonly port?: number;
  readonly host?: string;
  /** Start with no data (keeps the certificate and the development issuer's key). */
  readonly reset?: boolean;
  /** `fixed`: Cosmos on 8081 and Azurite on 10000–10002, as their emulators; `ephemeral`: free ports. */
  readonly servicePorts?: 'fixed' | 'ephemeral';
  /** Settings applied over the settings file and the host's own values (tests). */
  readonly settings?: Readonly<Record<string, string>>;
  /** More metric readers beside `/metrics` (tests collect the instruments in memory). */
  readonly metricReaders?: readonly IMetricReader[];
  readonly log?: (line: string) => void;
  /**
   * Where the HTTP-triggered functions run. `worker` (as `npm start` runs them): on a worker
   * thread of their own, as Flex Consumption runs the HTTP group on instances of its own, so
   * the background functions (change feed, Service Bus, timers, blobs) use the other core;
   * the log goes to the console unless `log` is given (then the HTTP instance is silent).
   * `inline` (default; tests): every function on this thread, so a test reaches the services,
   * metrics and faults of the HTTP path in process.
   */
  readonly httpInstance?: 'inline' | 'worker';
  /** The HTTP instance (`worker`) stopped without being asked: the API is gone (default: logged). */
  readonly onFatal?: (error: Error) => void;
}

export interface LocalHost {
  readonly baseUrl: string;
  readonly dataDir: string;
  readonly settings: Readonly<Record<string, string>>;
  readonly settingsFile: string;
  readonly flagsFile: string;
  readonly broker: LocalBroker;
  /** The services of this thread's instance (every function with `inline`; the background ones with `worker`). */
  readonly services: Services;
  readonly triggers: TriggerSet;
  /** This thread's metrics (`GET /metrics` answers with every instance's). */
  readonly metrics: LocalMetrics;
  /** The Cosmos DB requests the app counted (`stageline.cosmos.requests`) over every instance; `reset` zeroes them. */
  requestCounts(options?: { readonly reset?: boolean }): Promise<CosmosRequestCounts>;
  /** The local Cosmos DB server's fault injection (tests: throttling, outages). */
  readonly cosmosFaults: CosmosFaults;
  /** The Google Calendar fake (its control API is under `calendar.rootUrl` + `_fake/`). */
  readonly calendar: GoogleCalendarFake;
  stop(): Promise<void>;
}

const PROJECT_DIR = resolve(import.meta.dirname, '..', '..');

export async function startLocalHost(options: LocalHostOptions = {}): Promise<LocalHost> {
  const projectDir = options.projectDir ?? PROJECT_DIR;
  const dataDir = resolve(projectDir, options.dataDir ?? '.stageline');
  const log = options.log ?? ((line: string) => console.log(line));
  const fixed = (options.servicePorts ?? 'fixed') === 'fixed';
  const host = options.host ?? '127.0.0.1';
  mkdirSync(dataDir, { recursive: true });
  if (options.reset) {
    for (const dir of ['azurite', 'broker', 'timers', 'triggers']) rmSync(join(dataDir, dir), { recursive: true, force: true });
  }

  const stack: Array<() => Promise<void>> = [];
  let inlineServer: ReturnType<typeof createServer> | undefined;
  const stopAll = async () => {
    for (const stop of stack.reverse()) await stop().catch((error: unknown) => log(`stop failed: ${String(error)}`));
  };
  try {
    // The port first: the OAuth redirect and push addresses name it, and they are settings.
    const background = { send: unavailable, checkBus: unavailable, scheduledDeliveries: unavailable, metricsText: unavailable } as BackgroundInstanceApi;
    let httpInstance: HttpInstance | undefined;
    let port: number;
    if (options.httpInstance === 'worker') {
      httpInstance = await startHttpInstance({
        port: options.port ?? 7071,
        host,
        logToConsole: options.log === undefined,
        background,
        onExit: options.onFatal ?? ((error) => log(error.message)),
      });
      port = httpInstance.port;
      const started = httpInstance;
      stack.push(() => started.stop());
    } else {
      const server = createServer({ maxHeaderSize: 16 * 1024 });
      port = await listen(server, options.port ?? 7071, host);
      stack.push(() => closeServer(server));
      inlineServer = server;
    }
    const baseUrl = `http://${host}:${port}`;
    const file = readLocalSettings(projectDir);
    const databaseName = options.settings?.COSMOS_DATABASE_NAME ?? file.values.COSMOS_DATABASE_NAME ?? 'stageline';
    const cosmos = await startCosmosServer({ dataDir, host, port: fixed ? 8081 : 0, reset: options.reset ?? false, containers, databaseName });
    stack.push(() => cosmos.stop());
    const azurite = await startAzurite({ dataDir, host, ...(fixed ? { blobPort: 10000, queuePort: 10001, tablePort: 10002 } : {}) });
    stack.push(() => azurite.stop());
    await ensureBlobContainers(azurite.connectionString, blobContainers);
    const broker = await LocalBroker.open({ journalPath: join(dataDir, 'broker', 'journal.ndjson'), queues, topics });
    stack.push(() => broker.close());
    const calendarSecrets = ensureLocalCalendarSecrets(dataDir);
    const oauthRedirectUri = `${baseUrl}/api/calendar/oauth-callback`;
    if (options.reset) rmSync(join(dataDir, 'google-calendar'), { recursive: true, force: true });
    const calendar = await startGoogleCalendarFake({
      host,
      stateFile: join(dataDir, 'google-calendar', 'state.json'),
      clients: [{ clientId: calendarSecrets.clientId, clientSecret: calendarSecrets.clientSecret, redirectUris: [oauthRedirectUri] }],
    });
    stack.push(() => calendar.stop());
    const issuer = await ensureDevIssuer(dataDir);
    const flagsFile = ensureFlagsFile(dataDir);
    const encryption = ensureLocalKeyRing(dataDir, 'encryption');
    const timelineSigning = ensureLocalKeyRing(dataDir, 'timeline-signing');

    const settings: Record<string, string> = {
      ...file.values,
      STAGELINE_ENVIRONMENT: 'local',
      // Read by the Cosmos DB trigger's binding (%COSMOS_DATABASE_NAME%): a real setting, never a default.
      COSMOS_DATABASE_NAME: databaseName,
      AzureWebJobsStorage: azurite.connectionString,
      DocumentsStorage: azurite.connectionString,
      CosmosConnection__accountEndpoint: cosmos.endpoint,
      CosmosConnection__key: cosmos.key,
      CosmosConnection__caCertificatePath: cosmos.caCertificatePath,
      ServiceBusConnection: 'UseLocalBroker=true',
      FEATURE_FLAGS_FILE: flagsFile,
      GOOGLE_CALENDAR_ROOT_URL: calendar.rootUrl,
      GOOGLE_OAUTH_CLIENT_ID: calendarSecrets.clientId,
      GOOGLE_OAUTH_CLIENT_SECRET: calendarSecrets.clientSecret,
      GOOGLE_OAUTH_AUTHORIZE_URL: calendar.authorizeUrl,
      GOOGLE_OAUTH_TOKEN_URL: calendar.tokenUrl,
      GOOGLE_OAUTH_REVOKE_URL: calendar.revokeUrl,
      CALENDAR_OAUTH_REDIRECT_URI: oauthRedirectUri,
      CALENDAR_CONNECTED_REDIRECT_URL: `${baseUrl}/api/health`,
      CALENDAR_PUSH_ADDRESS: `${baseUrl}/api/calendar/notifications`,
      CALENDAR_OAUTH_STATE_KEY: file.values.CALENDAR_OAUTH_STATE_KEY ?? calendarSecrets.stateKey,
      AUTH_ISSUER: issuer.issuer,
      AUTH_AUDIENCE: issuer.audience,
      AUTH_JWKS_FILE: issuer.jwksPath,
      ENCRYPTION_KEYS: file.values.ENCRYPTION_KEYS ?? encryption.keys,
      ENCRYPTION_KEY_ID: file.values.ENCRYPTION_KEY_ID ?? encryption.currentKeyId,
      TIMELINE_SIGNING_KEYS: file.values.TIMELINE_SIGNING_KEYS ?? timelineSigning.keys,
      TIMELINE_SIGNING_KEY_ID: file.values.TIMELINE_SIGNING_KEY_ID ?? timelineSigning.currentKeyId,
      ...options.settings,
    };
    Object.assign(process.env, settings);
    // What this host runs with, for commands that work on its data (`npm run rotate-keys -- --data-dir …`).
    writeFileSync(join(dataDir, 'host-settings.json'), JSON.stringify(settings, null, 2), { mode: 0o600 });

    const bus = new LocalBrokerMessageBus(broker);
    const scheduledDeliveries = async () => (broker.isOpen ? broker.counts('notification-deliveries').scheduled : 0);
    const app = await loadFunctionApp({
      settings,
      adapters: { bus, deliveryBacklog: { scheduledDeliveries }, log },
      ...(options.metricReaders ? { metricReaders: options.metricReaders } : {}),
    });
    stack.push(() => app.close());
    const { services, registry, metrics } = app;

    if (httpInstance) {
      Object.assign(background, {
        send: (entity, messages) => bus.send(entity, messages),
        checkBus: () => bus.check(),
        scheduledDeliveries,
        metricsText: () => metrics.text(),
      } satisfies BackgroundInstanceApi);
      await httpInstance.start(settings);
      // Stopping: the HTTP instance first, before the services and the broker it uses.
      const started = httpInstance;
      stack.push(() => started.stop());
    } else if (inlineServer) {
      const functionsServer = createFunctionsHttpServer({ functions: registry.functions, routePrefix: 'api', extraHandler: metrics.handle, log });
      const server = inlineServer;
      server.on('request', (req, res) => functionsServer.emit('request', req, res));
      stack.push(() => closeServer(server));
    }

    const triggers = await startTriggers({ functions: registry.functions, settings, dataDir, broker, cosmos, connectionString: azurite.connectionString, log });
    stack.push(() => triggers.close());

    return {
      baseUrl,
      dataDir,
      settings,
      settingsFile: file.path,
      flagsFile,
      broker,
      services,
      triggers,
      metrics,
      async requestCounts({ reset = false } = {}) {
        const own = services.stages.requests.snapshot();
        if (reset) services.stages.requests.reset();
        return httpInstance ? sumCounts(own, await httpInstance.requestCounts(reset)) : own;
      },
      cosmosFaults: cosmos.faults,
      calendar,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function ensureFlagsFile(dataDir: string): string {
  const path = join(dataDir, 'flags.json');
  if (!existsSync(path)) {
    const flags = { feature_management: { feature_flags: [{ id: DYNAMIC_STAGES_FLAG, enabled: true, conditions: { client_filters: [] } }] } };
    writeFileSync(path, `${JSON.stringify(flags, null, 2)}\n`);
  }
  return path;
}

function sumCounts(a: CosmosRequestCounts, b: CosmosRequestCounts): CosmosRequestCounts {
  const sum: Record<string, number> = { ...a };
  for (const [key, value] of Object.entries(b)) sum[key] = (sum[key] ?? 0) + value;
  return sum;
}

async function unavailable(): Promise<never> {
  throw new Error('The background instance is still starting.');
}
