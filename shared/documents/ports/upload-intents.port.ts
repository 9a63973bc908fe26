import type { UploadIntent } from '../domain/upload-intent.ts';

export interface StoredIntent {
  readonly intent: UploadIntent;
  /** What the next conditional write must match. */
  readonly version: string;
}

/** Upload intents, by upload id; every read is scoped to a tenant. */
export interface UploadIntents {
  create(intent: UploadIntent): Promise<StoredIntent>;
  /** The intent if it exists in `tenantId`; `undefined` otherwise (another tenant's is not found). */
  get(tenantId: string, uploadId: string): Promise<StoredIntent | undefined>;
  /** The intent whatever its tenant: only for the content gate, which learns the upload id from a blob name and checks the name against the intent. */
  getForGate(uploadId: string): Promise<StoredIntent | undefined>;
  /** Replaces only if still at `version`: `'conflict'` when another writer got there first. */
  replace(intent: UploadIntent, version: string): Promise<StoredIntent | 'conflict'>;
}
