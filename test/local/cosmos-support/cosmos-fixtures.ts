import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Container, CosmosClient, Database } from '@azure/cosmos';
import { startCosmosServer, type CosmosServer, type CosmosServerOptions } from '../../../local/cosmos/cosmos-server.ts';
import { createCosmosClient } from '../../../shared/platform/cosmos-client.ts';
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
