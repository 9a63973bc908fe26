import type { Database } from '@azure/cosmos';
import type { z } from 'zod';
import { DomainError } from '../../platform/errors.ts';
import type { ApplicationDocument } from '../domain/application.schema.ts';
import { applicationDocumentSchema } from '../domain/application.schema.ts';
import type { ApplicationPage, ApplicationQuery, ApplicationRepository, StoredApplication } from '../ports/application-repository.port.ts';
import type { ApplicationBoard } from '../ports/application-board.port.ts';
import { boardQuerySpec } from './cosmos-board-query.ts';
import { CosmosDocuments } from '../../platform/cosmos/cosmos-documents.ts';
import { CosmosRequestError } from '../../platform/cosmos/cosmos-failure.ts';
import type { CosmosRequestMeter } from '../../platform/cosmos/cosmos-request-meter.ts';
import { reportUnreadable } from '../../platform/cosmos/unreadable-documents.ts';
import type { ReadModel } from '../domain/read-model.ts';

export interface CosmosApplicationRepositoryOptions {
  readonly database: Database;
  readonly meter?: CosmosRequestMeter;
  /** Counts this instance's requests apart (e.g. `events` for the outbox publisher's use). */
  readonly meterScope?: string;
  readonly containerId?: string;
}

/*
 * The domain schema is slightly wider than the aggregate's type: it checks an outbox event's
 * statuses as non-empty strings where `OutboxEvent` narrows them to the known ones. It is
 * read as the document type, as the adapter did before (narrowing it belongs to `stages/domain`).
 */
const documentSchema = applicationDocumentSchema as unknown as z.ZodType<ApplicationDocument>;

/**
 * `ApplicationRepository` on the `applications` container (hierarchical partition key
 * `[/tenantId, /applicationId]`, id = application id: ids are per tenant). Every hot path is one
 * request: a point read, a create, or a replace conditioned on `_etag`; the board is a query on
 * the tenant's prefix of the key, which reads only that tenant's partitions. Reads, errors and
 * metering go through `CosmosDocuments`.
 */
export class CosmosApplicationRepository implements ApplicationRepository, ApplicationBoard {
  readonly #documents: CosmosDocuments<ApplicationDocument>;

  constructor(options: CosmosApplicationRepositoryOptions) {
    this.#documents = new CosmosDocuments({
      container: options.database.container(options.containerId ?? 'applications'),
      schema: documentSchema,
      partitionKeyOf: (document) => [document.tenantId, document.applicationId],
      meter: options.meter,
      ...(options.meterScope === undefined ? {} : { scope: options.meterScope }),
    });
  }

  get(tenantId: string, applicationId: string): Promise<StoredApplication | undefined> {
    return this.#documents.read(applicationId, [tenantId, applicationId]);
  }

  async create(document: ApplicationDocument): Promise<StoredApplication> {
    const created = await this.#documents.create(document);
    if (created === 'exists') throw new DomainError('APPLICATION.ALREADY_EXISTS', { details: { applicationId: document.id } });
    return created;
  }

  async replace(document: ApplicationDocument, etag: string): Promise<StoredApplication | 'conflict'> {
    const replaced = await this.#documents.replace(document, etag);
    if (replaced === undefined) throw new DomainError('APPLICATION.NOT_FOUND', { details: { applicationId: document.id } });
    return replaced;
  }

  async board(query: ApplicationQuery, model: ReadModel): Promise<ApplicationPage> {
    const token = query.continuationToken === undefined ? undefined : decodeToken(query.continuationToken);
    let page;
    try {
      page = await this.#documents.queryPage(boardQuerySpec(query, model), {
        partitionKey: [query.tenantId],
        maxItemCount: query.limit,
        ...(token === undefined ? {} : { continuationToken: token }),
        onUnreadable: (unreadable) => reportUnreadable(unreadable, 'board'),
      });
    } catch (error) {
      // A token the SDK or the service refuses (outages are DomainErrors and pass through).
      if (token !== undefined && error instanceof CosmosRequestError) throw invalidToken();
      throw error;
    }
    return {
      items: page.items,
      ...(page.continuationToken ? { continuationToken: encodeToken(page.continuationToken) } : {}),
    };
  }

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
