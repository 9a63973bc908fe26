/**
 * The one definition of the Blob Storage containers of the documents account. The local host
 * creates them in Azurite at start; `infra/modules/documents-storage.bicep` declares the same names.
 */
export interface BlobContainerDefinition {
  readonly name: string;
  readonly holds: string;
}

/** Where clients PUT uploads (write-only SAS per blob); nothing here is trusted until the content gate checked it. */
export const QUARANTINE_CONTAINER = 'quarantine';
/** Verified documents, written only by the content gate; read through short-lived read-only SAS URLs. */
export const DOCUMENTS_CONTAINER = 'documents';

export const blobContainers = [
  { name: QUARANTINE_CONTAINER, holds: 'uploads as clients PUT them, until the content gate has checked them (`{tenant}/{uploadId}`)' },
  { name: DOCUMENTS_CONTAINER, holds: 'verified documents, written by the content gate (`{tenant}/{documentId}`)' },
] as const satisfies readonly BlobContainerDefinition[];
