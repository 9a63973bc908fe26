import type { Container, CosmosDiagnostics, Database, FeedOptions, ItemDefinition } from '@azure/cosmos';
import { DomainError } from '../../platform/errors.ts';
import type { ApplicationDocument } from '../domain/application.schema.ts';
import { applicationDocumentSchema } from '../domain/application.schema.ts';
import type { ApplicationPage, ApplicationQuery, ApplicationRepository, StoredApplication } from '../ports/application-repository.port.ts';
import type { ApplicationBoard } from '../ports/application-board.port.ts';
import { boardQuerySpec } from './cosmos-board-query.ts';
import type { CosmosRequestMeter } from '../../platform/cosmos/cosmos-request-meter.ts';
import type { ReadModel } from '../domain/read-model.ts';

export interface CosmosApplicationRepositoryOptions {
  readonly database: Database;
  readonly meter?: CosmosRequestMeter;
  /** Counts this instance's requests apart (e.g. `events` for the outbox publisher's use). */
  readonly meterScope?: string;
  readonly containerId?: string;
}

type CosmosFailure = { code?: unknown; statusCode?: unknown; retryAfterInMs?: unknown; diagnostics?: CosmosDiagnostics };

/**
 * `ApplicationRepository` on the `applications` container (partition key `/applicationId` = id).
 * Every hot path is one request: a point read, a create, or a replace conditioned on `_etag`.
 * Documents are validated on the way out of the container; Cosmos system fields are dropped and
 * the `_etag` travels beside the document.
 */
export class CosmosApplicationRepository implements ApplicationRepository, ApplicationBoard {
  readonly #container: Container;
  readonly #meter: CosmosRequestMeter | undefined;
  readonly #meterScope: string | undefined;
  readonly #name: string;

  constructor(options: CosmosApplicationRepositoryOptions) {
    this.#name = options.containerId ?? 'applications';
    this.#container = options.database.container(this.#name);
    this.#meter = options.meter;
    this.#meterScope = options.meterScope;
  }

  async get(applicationId: string): Promise<StoredApplication | undefined> {
    const response = await this.#call('read', () => this.#container.item(applicationId, applicationId).read<ItemDefinition>());
    if (response.statusCode === 404 || response.resource === undefined) return undefined;
    return stored(response.resource);
  }

  async create(document: ApplicationDocument): Promise<StoredApplication> {
    try {
      const response = await this.#call('create', () => this.#container.items.create<ItemDefinition>(document));
      return stored(response.resource!);
    } catch (error) {
      if (statusOf(error) === 409) {
        throw new DomainError('APPLICATION.ALREADY_EXISTS', { details: { applicationId: document.id } });
      }
      throw error;
    }
  }

  async replace(document: ApplicationDocument, etag: string): Promise<StoredApplication | 'conflict'> {
    try {
      const response = await this.#call('replace', () =>
        this.#container.item(document.id, document.applicationId).replace<ItemDefinition>(document, { accessCondition: { type: 'IfMatch', condition: etag } }),
      );
      return stored(response.resource!);
    } catch (error) {
      const status = statusOf(error);
      if (status === 412) return 'conflict';
      if (status === 404) throw new DomainError('APPLICATION.NOT_FOUND', { details: { applicationId: document.id } });
      throw error;
    }
  }

  async board(query: ApplicationQuery, model: ReadModel): Promise<ApplicationPage> {
    const options: FeedOptions = { maxItemCount: query.limit };
    if (query.continuationToken !== undefined) options.continuationToken = decodeToken(query.continuationToken);
    const spec = boardQuerySpec(query, model);
    let page;
    try {
      page = await this.#call('query', () => this.#container.items.query<ItemDefinition>(spec, options).fetchNext());
    } catch (error) {
      if (query.continuationToken !== undefined && !isUnavailable(error)) throw invalidToken();
      throw error;
    }
    return {
      items: page.resources.map(stored),
      ...(page.continuationToken ? { continuationToken: encodeToken(page.continuationToken) } : {}),
    };
  }

  async withStrandedOutbox(olderThan: string, limit: number): Promise<readonly StoredApplication[]> {
    const spec = {
      query: 'SELECT * FROM c WHERE ARRAY_LENGTH(c.outbox) > 0 AND EXISTS(SELECT VALUE e FROM e IN c.outbox WHERE e.timestamp <= @olderThan)',
      parameters: [{ name: '@olderThan', value: olderThan }],
    };
    const page = await this.#call('query', () => this.#container.items.query<ItemDefinition>(spec, { maxItemCount: limit }).fetchNext());
    return page.resources.slice(0, limit).map(stored);
  }

  /** Runs one SDK operation, counts its requests, and turns throttling/outages into `DEPENDENCY.UNAVAILABLE`. */
  async #call<T extends { diagnostics?: CosmosDiagnostics }>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      const response = await run();
      this.#meter?.record(this.#name, operation, response.diagnostics, this.#meterScope);
      return response;
    } catch (error) {
      this.#meter?.record(this.#name, operation, (error as CosmosFailure).diagnostics, this.#meterScope);
      if (isUnavailable(error)) {
        const after = Number((error as CosmosFailure).retryAfterInMs);
        throw new DomainError('DEPENDENCY.UNAVAILABLE', { retry: { after: Number.isFinite(after) && after > 0 ? Math.ceil(after / 1000) : 1 }, cause: error });
      }
      throw error;
    }
  }
}

function stored(resource: ItemDefinition): StoredApplication {
  const etag = resource['_etag'];
  if (typeof etag !== 'string') throw new Error(`Application ${String(resource.id)} came back without an _etag`);
  return { document: applicationDocumentSchema.parse(resource) as ApplicationDocument, etag };
}

function statusOf(error: unknown): number | undefined {
  const failure = error as CosmosFailure;
  const status = Number(failure.code ?? failure.statusCode);
  return Number.isInteger(status) ? status : undefined;
}

/** Throttled, timed out, or the service (or the network to it) is down: worth retrying later. */
function isUnavailable(error: unknown): boolean {
  const status = statusOf(error);
  if (status === undefined) {
    const code = (error as CosmosFailure).code;
    return typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN)$/.test(code);
  }
  return status === 408 || status === 429 || status === 449 || status === 503;
}

function encodeToken(token: string): string {
  return Buffer.from(token, 'utf8').toString('base64url');
}

function decodeToken(token: string): string {
  const decoded = Buffer.from(token, 'base64url').toString('utf8');
  if (decoded === '' || encodeToken(decoded) !== token) throw invalidToken();
  try {
    // The SDK's tokens are JSON; anything else never came from this board.
    const parsed: unknown = JSON.parse(decoded);
    if (typeof parsed !== 'object' || parsed === null) throw invalidToken();
  } catch {
    throw invalidToken();
  }
  return decoded;
}

function invalidToken(): DomainError {
  return new DomainError('REQUEST.INVALID', {
    message: 'The continuation token is not valid; start again without it.',
    details: { issues: [{ path: 'continuationToken', message: 'Not a token this board issued.', code: 'invalid_token' }] },
  });
}
