/**
 * The benchmark client's side of a local host running in its own process (`bench-host.ts`), as
 * users run it: the host on loopback ports, the client reaching it over HTTP (the API) and
 * HTTPS (its Cosmos DB server, through a plain `@azure/cosmos` client for floors and bulk loads).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CosmosClient, type Database } from '@azure/cosmos';
import { signDevToken, type DevRole } from '../../local/dev-issuer.ts';
import { BENCH_USER_AGENT, type HostCommand, type HostReady, type HostReply, type HostStats, type SweepResult, type WalkResult } from './host-protocol.ts';

export interface HostProcess {
  readonly baseUrl: string;
  readonly pid: number;
  /** The host's database through the benchmark's own SDK client (its requests are not in the host's counts). */
  readonly database: Database;
  readonly requestLog: boolean;
  /** Bytes the host wrote to stdout (its request log when on). */
  readonly logBytes: () => number;
  token(role: DevRole, tenant: string, sub: string): Promise<string>;
  /** fetch against `/api`, with a bearer token and an optional JSON body (POST when there is one). */
  api(path: string, token: string, json?: unknown): Promise<Response>;
  stats(): Promise<HostStats>;
  /** Zeroes the host's counters; returns the stats just before. */
  reset(): Promise<HostStats>;
  sweep(): Promise<SweepResult>;
  schedule(args: Extract<HostCommand, { name: 'schedule' }>['args']): Promise<void>;
  /** One pass over a container's documents inside the host (a query must have read the container before). */
  walk(container: string): Promise<WalkResult>;
  /**
   * Waits until the host's background work is done: no Cosmos DB request from the host and no
   * change in the broker's in-flight messages for 300 ms and, for `tenant`, every event of its
   * applications on the timeline.
   */
  settle(tenant?: string): Promise<void>;
  stop(): Promise<void>;
}

const HOST_ENTRY = join(import.meta.dirname, 'bench-host.ts');

export async function startHostProcess(options: { requestLog?: boolean } = {}): Promise<HostProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stageline-bench-'));
  const requestLog = options.requestLog ?? false;
  const child = fork(HOST_ENTRY, ['--data-dir', dataDir, ...(requestLog ? ['--request-log'] : [])], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let logBytes = 0;
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => void (logBytes += chunk.byteLength));
  child.stderr!.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const ready = await new Promise<HostReady>((resolve, reject) => {
    child.once('message', (message: HostReady) => resolve(message));
    void exited.then((code) => reject(new Error(`the bench host exited (${code}) before it was ready:\n${stderr}`)));
  });
  const call = commander(child, () => stderr);
  const cosmos = benchCosmosClient(ready.cosmos);
  const database = cosmos.database(ready.cosmos.database);

  const host: HostProcess = {
    baseUrl: ready.baseUrl,
    pid: child.pid!,
    database,
    requestLog,
    logBytes: () => logBytes,
    token: (role, tenant, sub) => signDevToken(ready.dataDir, { role, tenant, sub }),
    api: (path, token, json) =>
      fetch(`${ready.baseUrl}/api${path}`, {
        method: json === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${token}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      }),
    stats: () => call({ name: 'stats' }) as Promise<HostStats>,
    reset: () => call({ name: 'reset' }) as Promise<HostStats>,
    sweep: () => call({ name: 'sweep' }) as Promise<SweepResult>,
    schedule: async (args) => void (await call({ name: 'schedule', args })),
    walk: (container) => call({ name: 'walk', args: { container } }) as Promise<WalkResult>,
    settle: (tenant) => settle(host, tenant),
    async stop() {
      cosmos.dispose();
      await call({ name: 'stop' }).catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return host;
}

function commander(child: ChildProcess, stderr: () => string) {
  let next = 0;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  child.on('message', (message: HostReply) => {
    if (message.type !== 'reply') return;
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) waiter?.reject(new Error(`bench host: ${message.error}`));
    else waiter?.resolve(message.value);
  });
  child.once('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`the bench host exited (${code}):\n${stderr()}`));
    pending.clear();
  });
  return (command: Omit<HostCommand, 'id'>): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = (next += 1);
      pending.set(id, { resolve, reject });
      child.send({ ...command, id });
    });
}

/** A plain SDK client on the host's Cosmos DB server: nothing of the app, its own connections. */
function benchCosmosClient(cosmos: HostReady['cosmos']): CosmosClient {
  const agent = new Agent({ keepAlive: true, ca: readFileSync(cosmos.caCertificatePath, 'utf8') });
  const client = new CosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key, agent, userAgentSuffix: BENCH_USER_AGENT });
  const dispose = client.dispose.bind(client);
  client.dispose = () => {
    dispose();
    agent.destroy();
  };
  return client;
}

async function settle(host: HostProcess, tenant: string | undefined): Promise<void> {
  const deadline = performance.now() + 180_000;
  let last = '';
  let stableSince = performance.now();
  while (performance.now() < deadline) {
    const stats = await host.stats();
    const state = `${Object.values(stats.operations).reduce((sum, n) => sum + n, 0)}/${stats.brokerInFlight}`;
    if (state !== last) {
      last = state;
      stableSince = performance.now();
    } else if (performance.now() - stableSince >= 300 && (tenant === undefined || (await timelineCaughtUp(host.database, tenant)))) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the host did not settle within 3 minutes');
}

/** Every event the tenant's applications handed out is on the timeline. */
async function timelineCaughtUp(database: Database, tenant: string): Promise<boolean> {
  const scoped = { partitionKey: [tenant] };
  const [events] = (await database.container('applications').items.query<number>('SELECT VALUE SUM(c.eventSeq) FROM c', scoped).fetchAll()).resources;
  const [entries] = (await database.container('timeline').items.query<number>('SELECT VALUE COUNT(1) FROM c', scoped).fetchAll()).resources;
  return (events ?? 0) === (entries ?? 0);
}

/** The JSON body of a 2xx answer; anything else throws with the answer. */
export async function ok(pending: Promise<Response>): Promise<unknown> {
  const response = await pending;
  const body = await response.json();
  if (response.status >= 300) throw new Error(`${response.url} answered ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

/** A stored document without Cosmos DB's system properties (`_rid`, `_etag`, …), to write it again elsewhere. */
export function withoutSystemFields(document: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(document).filter(([key]) => !key.startsWith('_')));
}
