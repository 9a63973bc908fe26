import type { DocumentPurpose, DocumentRef } from '../domain/document-ref.schema.ts';

/** Which document a stage change names: by id, for an application, uploaded for a purpose. */
export interface DocumentLookup {
  readonly tenantId: string;
  readonly applicationId: string;
  readonly documentId: string;
  readonly purpose: DocumentPurpose;
}

/**
 * Documents the documents capability has verified (real size and content checked by its gate).
 * Stages store only what this returns; a client never supplies document metadata itself.
 */
export interface VerifiedDocuments {
  /** The verified document, or `undefined` when there is none for this tenant, application and purpose. */
  find(lookup: DocumentLookup): Promise<DocumentRef | undefined>;
}
