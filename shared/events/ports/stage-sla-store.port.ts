import type { StageSlaRecord } from '../domain/stage-sla.ts';

export interface StoredStageSla {
  readonly record: StageSlaRecord;
  readonly etag: string;
}

/** The `stageSla` container: one record per stage, replaced conditionally. */
export interface StageSlaStore {
  get(tenantId: string, applicationId: string, stageId: string): Promise<StoredStageSla | undefined>;
  /** Creates (no etag) or replaces if the stored etag still matches (the record as saved, with its new etag); `'conflict'` otherwise. */
  save(record: StageSlaRecord, etag: string | undefined): Promise<StoredStageSla | 'conflict'>;
  forApplication(tenantId: string, applicationId: string): Promise<StageSlaRecord[]>;
}
