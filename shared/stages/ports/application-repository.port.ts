import type { ApplicationDocument } from '../domain/application.schema.ts';
import type { LegacyShape } from '../domain/read-model.ts';

/** A stored application with the `_etag` its next conditional replace must match. */
export interface StoredApplication {
  readonly document: ApplicationDocument;
  readonly etag: string;
}

export interface ApplicationQuery {
  readonly tenantId: string;
  readonly jobId?: string;
  readonly candidateId?: string;
  readonly stageType?: string;
  readonly stageStatus?: string;
  readonly limit: number;
  readonly continuationToken?: string;
  /**
   * With a stage filter: the legacy shapes whose transformation shows a matching stage (from
   * `LegacyStages.shapesMatching`), so applications read through the legacy model filter as shown.
   */
  readonly legacyShapes?: readonly LegacyShape[];
}

export interface ApplicationPage {
  readonly items: readonly StoredApplication[];
  readonly continuationToken?: string;
}

/**
 * The `applications` container, shaped by the aggregate: a point read, a create, and one
 * conditional replace per mutation (the stage change and its outbox events commit together).
 */
export interface ApplicationRepository {
  /** One point read of the tenant's application; `undefined` when absent (another tenant's is absent too). */
  get(tenantId: string, applicationId: string): Promise<StoredApplication | undefined>;
  /** `APPLICATION.ALREADY_EXISTS` when the tenant already has an application with this id (ids are per tenant). */
  create(document: ApplicationDocument): Promise<StoredApplication>;
  /** Replaces only if the stored `_etag` still equals `etag`; `'conflict'` when it does not. */
  replace(document: ApplicationDocument, etag: string): Promise<StoredApplication | 'conflict'>;
}
