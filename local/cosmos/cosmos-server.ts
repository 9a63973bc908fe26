import { mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ContainerDefinition } from '../../shared/platform/cosmos-containers.ts';
import { JournalFile, readJournalFile } from '../journal/journal-file.ts';
import { loadOrCreateCertificate } from './cosmos-certificate.ts';
import { ensureContainers } from './cosmos-containers-setup.ts';
import { acquireDataLock } from './cosmos-data-lock.ts';
import { CosmosFaults } from './cosmos-faults.ts';
import { createAccount } from './cosmos-library.ts';
import { CosmosPipeline, requestListener } from './cosmos-request-pipeline.ts';
import { restoreRecords } from './cosmos-state.ts';
import { startTtlSweeper } from './cosmos-ttl-sweeper.ts';
import { ChangeFeedLog, type LocalChangeFeed } from './local-change-feed.ts';

export interface CosmosServerOptions {
  /** The host's data folder; the server keeps its journal and certificate under `<dataDir>/cosmos/`. */
  readonly dataDir: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Start empty (the certificate is kept). */
  readonly reset?: boolean;
  readonly databaseName: string;
  readonly containers: readonly ContainerDefinition[];
  /** Journal size that triggers a compaction; 16 MiB by default. */
  readonly compactAboveBytes?: number;
  /** How often expired documents (time to live) are deleted; 1 s by default. */
  readonly ttlSweepIntervalMs?: number;
  /** fsync each journal append (survives power loss, not only a killed process); off by default. */
  readonly fsync?: boolean;
  readonly log?: (line: string) => void;
}

export interface CosmosServer {
  readonly endpoint: string;
  /** The emulator's well-known key; the local server does not check request signatures. */
  readonly key: string;
  readonly caCertificatePath: string;
  readonly caCertificatePem: string;
  readonly changeFeed: LocalChangeFeed;
  /** The HTTPS server itself, for diagnostics (e.g. counting `secureConnection` events). */
  readonly httpsServer: Server;
  /** Fault injection for tests: answers requests as Azure does when throttled or unavailable. */
  readonly faults: CosmosFaults;
  stop(): Promise<void>;
}

export const EMULATOR_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';
const DEFAULT_COMPACT_ABOVE_BYTES = 16 * 1024 * 1024;

/**
 * The local host's Cosmos DB: `@vercel/cosmosdb-server`'s in-memory account behind HTTPS with
 * its own certificate, made durable by a journal (every acknowledged write is on disk before its
 * response leaves), with a resumable change feed. At start it replays the journal in process,
 * compacts it into a snapshot, then creates the database and any missing container.
 */
export async function startCosmosServer(options: CosmosServerOptions): Promise<CosmosServer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((message: string) => console.warn(message));
  const directory = join(options.dataDir, 'cosmos');
  mkdirSync(directory, { recursive: true });
  const releaseLock = acquireDataLock(directory);
  try {
    return await startOnLockedFolder(options, directory, host, log, releaseLock);
  } catch (err) {
    releaseLock();
    throw err;
  }
}

async function startOnLockedFolder(
  options: CosmosServerOptions,
  directory: string,
  host: string,
  log: (line: string) => void,
  releaseLock: () => void,
): Promise<CosmosServer> {
  const certificate = await loadOrCreateCertificate(directory, host);
  const journalPath = join(directory, 'journal.jsonl');
  if (options.reset) rmSync(journalPath, { force: true });
  const saved = readJournalFile(journalPath, { label: 'Cosmos DB journal' });
  if (saved.tornTail) log(`cosmos: dropped an incomplete last line of ${journalPath} (a write interrupted before it was acknowledged)`);

  let signalReady: (pipeline: CosmosPipeline) => void = () => undefined;
  let signalFailure: (err: Error) => void = () => undefined;
  const ready = new Promise<CosmosPipeline>((resolve, reject) => {
    signalReady = resolve;
    signalFailure = reject;
  });
  ready.catch(() => undefined);
  const faults = new CosmosFaults();
  const server = createServer({ cert: certificate.certificatePem, key: certificate.keyPem, keepAlive: true, keepAliveTimeout: 30_000 }, requestListener(ready, log, faults));
  const port = await listen(server, host, options.port ?? 0);

  let journal: JournalFile | undefined;
  try {
    const hostname = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
    const account = createAccount(hostname, port);
    const changeFeed = new ChangeFeedLog();
    const summary = await restoreRecords(account, changeFeed, saved.records);
    if (summary.diverged > 0) log(`cosmos: ${summary.diverged} journalled request(s) did not apply again on replay`);
    journal = JournalFile.open(journalPath, { fsync: options.fsync ?? false });
    const pipeline = new CosmosPipeline({ account, feed: changeFeed, journal, compactAboveBytes: options.compactAboveBytes ?? DEFAULT_COMPACT_ABOVE_BYTES, log });
    pipeline.compact();
    await ensureContainers(pipeline, account, options.databaseName, options.containers);
    const stopSweeper = startTtlSweeper(pipeline, account, options.ttlSweepIntervalMs ?? 1000, log);
    signalReady(pipeline);
    const openJournal = journal;
    return {
      endpoint: `https://${hostname}:${port}/`,
      key: EMULATOR_KEY,
      caCertificatePath: certificate.certificatePath,
      caCertificatePem: certificate.certificatePem,
      changeFeed,
      httpsServer: server,
      faults,
      stop: async () => {
        stopSweeper();
        await stopServer(server, pipeline, openJournal);
        releaseLock();
      },
    };
  } catch (err) {
    signalFailure(err as Error);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    journal?.close();
    throw err;
  }
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const reason = err.code === 'EADDRINUSE' ? 'is already in use' : `cannot be used (${err.code ?? err.message})`;
      reject(new Error(`Cosmos DB server: port ${port} on ${host} ${reason}`, { cause: err }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

async function stopServer(server: Server, pipeline: CosmosPipeline, journal: JournalFile): Promise<void> {
  const closed = new Promise((resolve) => server.close(resolve));
  server.closeIdleConnections();
  await pipeline.stop();
  const force = setTimeout(() => server.closeAllConnections(), 2_000);
  await closed;
  clearTimeout(force);
  journal.close();
}
