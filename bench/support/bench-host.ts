/**
 * The benchmarks' host process: starts the local host as `npm start` does (`local/main.ts`), on
 * free ports in a fresh data folder, and answers the benchmark client over the IPC channel of
 * `child_process.fork` (`bench/support/host-process.ts`). The clients run in the parent process
 * and reach the host over loopback HTTP only; IPC carries what an operator would read from the
 * host itself: its memory, broker backlog, and what its Cosmos DB server did.
 *
 *   node bench/support/bench-host.ts --data-dir <dir> [--request-log]
 *
 * `--request-log`: the host logs every request to stdout, as `npm start` does; without it the
 * host is silent, as in the tests.
 *
 * It observes its own Cosmos DB server without changing what it answers:
 * - operations per `container:operation` of every request the server answered, except those
 *   of the benchmark client (user agent `stageline-bench`), so the counts are the host's own;
 * - documents read by queries and listings per container (the documents each one had to look
 *   at: a partition-scoped query reads only its partitions), which the server's responses do
 *   not report (its query metrics are a constant); the benchmark client's under `bench/…`;
 * - the broker's journal appends by record (`send`, `deliver`, `complete`, …).
 */
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { AsyncLocalStorage } from 'node:async_hooks';
import { startLocalHost } from '../../local/host/local-host.ts';
import { CosmosPipeline } from '../../local/cosmos/cosmos-request-pipeline.ts';
import { operationOf as documentOperationOf } from '../../local/cosmos/cosmos-faults.ts';
import { JournalFile } from '../../local/journal/journal-file.ts';
import { onDocumentsRead } from '../../local/cosmos/cosmos-ordered-query.ts';
import type { CosmosRequest, CosmosResponse } from '../../local/cosmos/cosmos-dispatch.ts';
import { sweepStrandedOutboxes } from '../../shared/events/use-cases/sweep-stranded-outboxes.ts';
import { systemClock } from '../../shared/platform/clock.ts';
import { BENCH_USER_AGENT, type HostCommand, type HostReady, type HostReply, type HostStats, type WalkResult } from './host-protocol.ts';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, 'request-log': { type: 'boolean', default: false } }, strict: true });
if (!values['data-dir'] || !process.send) {
  console.error('Usage: forked by bench/support/host-process.ts with --data-dir <dir> [--request-log]');
  process.exit(2);
}

const operations = new Map<string, number>();
const documentsRead = new Map<string, number>();
const brokerJournal = new Map<string, number>();
/** The containers' document stores, as queries met them (unscoped), for `walk`. */
const stores = new Map<string, { readonly _data: ReadonlyMap<string, unknown> }>();
const add = (counts: Map<string, number>, key: string, n = 1) => counts.set(key, (counts.get(key) ?? 0) + n);
observeCosmosServer();

const host = await startLocalHost({
  dataDir: values['data-dir'],
  port: 0,
  reset: true,
  servicePorts: 'ephemeral',
  httpInstance: 'worker',
  // `npm start` passes no log: the host writes every line to the console.
  ...(values['request-log'] ? {} : { log: () => undefined }),
});

const ready: HostReady = {
  type: 'ready',
  baseUrl: host.baseUrl,
  dataDir: host.dataDir,
  cosmos: { endpoint: host.settings['CosmosConnection__accountEndpoint']!, key: host.settings['CosmosConnection__key']!, caCertificatePath: host.settings['CosmosConnection__caCertificatePath']!, database: host.settings['COSMOS_DATABASE_NAME']! },
};
process.send(ready);

process.on('message', (message: HostCommand) => {
  void answer(message).then(
    (value) => process.send!({ type: 'reply', id: message.id, value } satisfies HostReply),
    (error: unknown) => process.send!({ type: 'reply', id: message.id, error: error instanceof Error ? error.stack ?? error.message : String(error) } satisfies HostReply),
  );
});
process.on('disconnect', () => void host.stop().then(() => process.exit(0)));

async function answer(command: HostCommand): Promise<unknown> {
  switch (command.name) {
    case 'stats':
      return stats();
    case 'reset': {
      const before = await stats(true);
      operations.clear();
      documentsRead.clear();
      brokerJournal.clear();
      return before;
    }
    case 'schedule': {
      // `schedule` belongs to the scheduling capability (calendar booking); applied in code, as the
      // capability does, so the benchmark needs no calendar connection.
      const { tenantId, candidateId, applicationId, stageId, n } = command.args;
      await host.services.stages.useCases.applyOwnedAction({ tenantId, actor: { role: 'candidate', id: candidateId } }, applicationId, stageId, 'schedule', {
        slotId: `slot-${n}`,
        scheduledCallId: `call-${n}`,
        call: { start: '2030-03-20T09:00:00.000Z', end: '2030-03-20T10:00:00.000Z', timeZone: 'Europe/London', status: 'scheduled', calendarEventId: `bench-event-${n}-0123456789` },
      });
      return null;
    }
    case 'sweep': {
      // What the `outboxSweeper` timer runs (functions/outbox-sweeper.ts), timed inside the host.
      const { bus, events } = host.services;
      const started = performance.now();
      const outcome = await sweepStrandedOutboxes({ applications: events.applications, bus, timeline: events.timeline, stranded: events.stranded, clock: systemClock });
      return { ms: performance.now() - started, applications: outcome.applications };
    }
    case 'walk':
      return walk(command.args.container);
    case 'stop':
      setImmediate(() => void host.stop().then(() => process.exit(0)));
      return null;
  }
}

async function stats(resetMeter = false): Promise<HostStats> {
  const memory = process.memoryUsage();
  const brokerInFlight = host.broker.paths().reduce((sum, path) => {
    const counts = host.broker.counts(path);
    return sum + counts.active + counts.locked;
  }, 0);
  return {
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    brokerInFlight,
    operations: Object.fromEntries(operations),
    documentsRead: Object.fromEntries(documentsRead),
    brokerJournal: Object.fromEntries(brokerJournal),
    meter: { ...(await host.requestCounts({ reset: resetMeter })) },
  };
}

/**
 * The baseline of the local server's query benchmark: what every query through the package
 * starts with and nothing else: the container's documents gathered into one array (each stored
 * item, its document, its id read). Its cost per document grows with the machine, not with the
 * query library: past 16k documents the array is a large object on pages fresh from the OS, and
 * the documents no longer fit the caches.
 */
function walk(container: string): WalkResult {
  const store = stores.get(container);
  if (store === undefined) throw new Error(`no query has read container '${container}' yet`);
  const started = performance.now();
  const rows: unknown[] = [];
  let idChars = 0;
  for (const item of store._data.values()) {
    const document = (item as { read(): { id?: string } | undefined }).read();
    idChars += document?.id?.length ?? 0;
    rows.push(document);
  }
  const ms = performance.now() - started;
  if (idChars === 0 && rows.length > 0) throw new Error('the walk read no ids');
  return { ms, documents: rows.length };
}

/** Counts what the local Cosmos DB server and the broker do (see the file comment); answers are untouched. */
function observeCosmosServer(): void {
  const append = JournalFile.prototype.append;
  JournalFile.prototype.append = function (this: JournalFile<unknown>, record: unknown): void {
    if (/[\\/]broker[\\/]/.test(this.path)) add(brokerJournal, String((record as { op?: unknown }).op));
    append.call(this, record);
  };
  const fromHost = new AsyncLocalStorage<boolean>();
  const handle = CosmosPipeline.prototype.handle;
  CosmosPipeline.prototype.handle = async function (this: CosmosPipeline, request: CosmosRequest): Promise<CosmosResponse> {
    const counted = !String(request.headers['user-agent'] ?? '').includes(BENCH_USER_AGENT);
    const response = await fromHost.run(counted, () => handle.call(this, request));
    if (counted) add(operations, `${operationOf(request)}${response.statusCode >= 400 ? ` ${response.statusCode}` : ''}`);
    return response;
  };
  const count = (store: object, documents: number) => {
    const scoped = store as { _data: ReadonlyMap<string, unknown>; _parent: { read(): { id?: string } | undefined } };
    const container = scoped._parent.read()?.id ?? '?';
    // A scoped view (`Object.create` over the store, cosmos-partition-scope.ts) has a `_data` of its own.
    if (!Object.prototype.hasOwnProperty.call(store, '_data')) stores.set(container, scoped);
    add(documentsRead, fromHost.getStore() === false ? `bench/${container}` : container, documents);
  };
  // Queries: what each one read (its scope, or what an ordered walk took: cosmos-ordered-query.ts).
  onDocumentsRead(count);
  // Listings (read feeds): the whole scope.
  const require = createRequire(import.meta.url);
  type Items = { _data: ReadonlyMap<string, unknown>; read(...args: unknown[]): unknown };
  const items = (require('@vercel/cosmosdb-server/lib/account/items') as { default: { prototype: Items } }).default.prototype;
  const read = items.read;
  items.read = function (this: Items, ...args: unknown[]) {
    count(this, this._data.size);
    return read.apply(this, args);
  };
}

/**
 * `applications:read`, `timeline:create`, `leases:upsert`, `applications:query`, … : the local
 * server's own operation names (`cosmos-faults.ts`), plus what it leaves out: metadata reads,
 * the SDK's query-plan requests and read-feeds (a GET of `docs` without a change-feed header).
 */
function operationOf(request: CosmosRequest): string {
  const path = request.url.split('?')[0]!;
  const container = /\/colls\/([^/]+)/.exec(path)?.[1];
  if (container === undefined) return 'account:metadata';
  if (!/\/docs(\/|$)/.test(path)) return `${container}:metadata`;
  if (String(request.headers['x-ms-cosmos-is-query-plan-request'] ?? '').toLowerCase() === 'true') return `${container}:queryPlan`;
  const operation = documentOperationOf(request);
  if (operation === 'query' && request.method === 'GET') return `${container}:readFeed`;
  return `${container}:${operation ?? request.method}`;
}
