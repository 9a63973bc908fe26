import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JournalFile } from '../journal/journal-file.ts';
import { isChangeFeedRequest, serveChangeFeed } from './cosmos-change-feed-endpoint.ts';
import { dispatch, standardHeaders, type CosmosRequest, type CosmosResponse } from './cosmos-dispatch.ts';
import { effectsOf, isMutating, isSuccess } from './cosmos-effects.ts';
import type { CosmosFaults } from './cosmos-faults.ts';
import type { AccountModel } from './cosmos-library.ts';
import { applyEffects, requestRecord, snapshotRecords } from './cosmos-state.ts';
import type { ChangeFeedLog } from './local-change-feed.ts';

export interface PipelineOptions {
  readonly account: AccountModel;
  readonly feed: ChangeFeedLog;
  readonly journal: JournalFile;
  /** Compact (snapshot + atomic rename) once the journal file grows past this many bytes. */
  readonly compactAboveBytes: number;
  readonly log: (message: string) => void;
}

/**
 * Every request to the local account goes through here. Reads run against the account directly.
 * Mutations run one at a time: the account applies the request, and if it answers 2xx the request
 * and its effects are appended to the journal before anything is answered, then the change feed
 * records the new LSNs. A response is only ever sent for a write that is already on disk.
 */
export class CosmosPipeline {
  readonly #options: PipelineOptions;
  #mutations: Promise<unknown> = Promise.resolve();
  #stopped = false;

  constructor(options: PipelineOptions) {
    this.#options = options;
  }

  async handle(request: CosmosRequest): Promise<CosmosResponse> {
    if (this.#stopped) return failure(request, 503, 'ServiceUnavailable', 'The local Cosmos DB server is stopping.');
    const { account, feed } = this.#options;
    if (isChangeFeedRequest(request)) return serveChangeFeed(account, feed, request);
    if (!isMutating(request)) return dispatch(account, request);
    if (isItemWrite(request) && request.body.byteLength > MAX_ITEM_BYTES) {
      return failure(request, 413, 'RequestEntityTooLarge', 'Message: {"Errors":["Request size is too large"]}');
    }
    const result = this.#mutations.then(() => this.#mutate(request));
    this.#mutations = result.catch(() => undefined);
    return result;
  }

  /** Rewrites the journal as a snapshot of the current state. */
  compact(): void {
    this.#options.journal.compact(snapshotRecords(this.#options.account, this.#options.feed));
  }

  /** Refuses new requests and waits for the mutation in progress, if any. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#mutations;
  }

  async #mutate(request: CosmosRequest): Promise<CosmosResponse> {
    const { account, feed, journal, compactAboveBytes, log } = this.#options;
    const response = await dispatch(account, request);
    if (!isSuccess(response.statusCode)) return response;
    const effects = effectsOf(account, request, response, () => feed.allocateLsn());
    try {
      journal.append(requestRecord(request, effects));
    } catch (err) {
      log(`cosmos: could not append to the journal ${journal.path}: ${(err as Error).message}`);
      return failure(request, 500, 'InternalServerError', 'The local Cosmos DB server could not make the write durable.');
    }
    applyEffects(account, feed, effects);
    if (journal.shouldCompact(compactAboveBytes)) {
      try {
        this.compact();
      } catch (err) {
        log(`cosmos: compaction of ${journal.path} failed (the journal stays valid): ${(err as Error).message}`);
      }
    }
    return response;
  }
}

/**
 * The HTTP side: reads the body, waits until the server is ready, answers what the pipeline
 * returns, unless an injected fault hits the request first (it then never reaches the pipeline).
 */
export function requestListener(ready: Promise<CosmosPipeline>, log: (message: string) => void, faults?: CosmosFaults) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const request: CosmosRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) };
      const fault = faults?.take(request);
      if (fault?.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      ready
        .then((pipeline) => (fault === undefined ? pipeline.handle(request) : fault.response))
        .catch((err: unknown): CosmosResponse => {
          log(`cosmos: ${request.method} ${request.url} failed: ${(err as Error).message}`);
          return failure(request, 500, 'InternalServerError', 'The local Cosmos DB server failed on this request.');
        })
        .then((response) => {
          res.statusCode = response.statusCode;
          for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
          res.end(response.body === undefined || response.body === '' ? undefined : JSON.stringify(response.body));
        });
    });
  };
}

/** Azure Cosmos DB's largest item (2 MB): a create, replace or upsert over it is 413 `RequestEntityTooLarge`. */
export const MAX_ITEM_BYTES = 2 * 1024 * 1024;

/** A document create/upsert (POST to …/docs) or replace (PUT to …/docs/{id}); not a batch, query or patch. */
function isItemWrite(request: CosmosRequest): boolean {
  if (request.method !== 'POST' && request.method !== 'PUT') return false;
  if (request.headers['x-ms-cosmos-is-batch-request'] !== undefined) return false;
  return /\/docs(\/[^/]+)?\/?$/.test(request.url.split('?')[0]!);
}

function failure(request: CosmosRequest, statusCode: number, code: string, message: string): CosmosResponse {
  return { statusCode, headers: standardHeaders(request), body: { code, message } };
}
