import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'node:https';
import { CosmosClient, type Container, type Database } from '@azure/cosmos';
import { afterEach, beforeEach } from 'vitest';
import { startCosmosServer, type CosmosServer, type CosmosServerOptions } from '../../../local/cosmos/cosmos-server.ts';
import { createCosmosClient } from '../../../shared/platform/cosmos/cosmos-client.ts';
import { containers } from '../../../shared/platform/cosmos-containers.ts';

export const DATABASE = 'stageline';

export interface TempDirectory {
  readonly dir: string;
  remove(): void;
}

export function tempDirectory(): TempDirectory {
  const dir = mkdtempSync(join(tmpdir(), 'stageline-cosmos-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface LocalCosmos {
  readonly server: CosmosServer;
  readonly client: CosmosClient;
  readonly database: Database;
  readonly logs: string[];
  container(id: string): Container;
  stop(): Promise<void>;
}

/** The server on `dataDir` with the project's containers, and a client built the way the app builds it. */
export async function startLocalCosmos(dataDir: string, options: Partial<CosmosServerOptions> = {}): Promise<LocalCosmos> {
  const logs: string[] = [];
  const server = await startCosmosServer({ dataDir, containers, databaseName: DATABASE, log: (line) => logs.push(line), ...options });
  const client = createCosmosClient({ endpoint: server.endpoint, auth: { kind: 'key', key: server.key }, caCertificatePath: server.caCertificatePath });
  const database = client.database(DATABASE);
  return {
    server,
    client,
    database,
    logs,
    container: (id) => database.container(id),
    async stop() {
      client.dispose();
      await server.stop();
    },
  };
}

/**
 * A client of `server` that gives up at the first failure: no throttling retries, no failover
 * retries (the app's client retries 429 up to 9 times and some 503s once). For seeing exactly
 * what the server answered. Dispose it after use.
 */
export function clientWithoutRetries(server: CosmosServer): CosmosClient {
  const agent = new Agent({ keepAlive: true, ca: server.caCertificatePem });
  const client = new CosmosClient({
    endpoint: server.endpoint,
    key: server.key,
    agent,
    connectionPolicy: { enableEndpointDiscovery: false, retryOptions: { maxRetryAttemptCount: 0, fixedRetryIntervalInMilliseconds: 0, maxWaitTimeInSeconds: 0 } },
  });
  const dispose = client.dispose.bind(client);
  client.dispose = () => {
    dispose();
    agent.destroy();
  };
  return client;
}

/** This test's server, seen through `localCosmosForEachTest`; `restart` replaces it. */
export interface LocalCosmosForEachTest extends Omit<LocalCosmos, 'stop'> {
  /** The test's own data folder (removed after the test). */
  readonly dataDir: string;
  /** Stops the server and starts a new one on the same data folder, as a host restart does. */
  restart(): Promise<void>;
}

/**
 * For the calling `describe`: before each test, a fresh temporary folder and `startLocalCosmos` on
 * it; after each, the server stopped and the folder removed. The returned object always speaks
 * for the running test's server.
 */
export function localCosmosForEachTest(options: Partial<CosmosServerOptions> = {}): LocalCosmosForEachTest {
  let temp: TempDirectory | undefined;
  let running: LocalCosmos | undefined;
  beforeEach(async () => {
    temp = tempDirectory();
    running = await startLocalCosmos(temp.dir, options);
  });
  afterEach(async () => {
    try {
      await running?.stop();
    } finally {
      running = undefined;
      temp?.remove();
      temp = undefined;
    }
  });
  const current = (): LocalCosmos => {
    if (!running) throw new Error('localCosmosForEachTest: no server outside a test');
    return running;
  };
  const dataDir = (): string => {
    if (!temp) throw new Error('localCosmosForEachTest: no data folder outside a test');
    return temp.dir;
  };
  return {
    get dataDir() {
      return dataDir();
    },
    get server() {
      return current().server;
    },
    get client() {
      return current().client;
    },
    get database() {
      return current().database;
    },
    get logs() {
      return current().logs;
    },
    container: (id) => current().container(id),
    async restart() {
      await current().stop();
      running = undefined;
      running = await startLocalCosmos(dataDir(), options);
    },
  };
}

/** Every document of a container (system properties stripped of nothing), by id. */
export async function allDocuments(container: Container): Promise<Map<string, Record<string, unknown>>> {
  const { resources } = await container.items.query<Record<string, unknown>>('SELECT * FROM c').fetchAll();
  return new Map(resources.map((doc) => [String(doc['id']), doc]));
}

/** Waits (no timing assertion: a bound against hanging) until `condition` holds. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
