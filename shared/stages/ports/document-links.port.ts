import type { DocumentRef } from '../domain/document-ref.schema.ts';

/** The documents on the stages one caller sees, in one application. */
export interface DocumentLinkRequest {
  readonly tenantId: string;
  readonly applicationId: string;
  readonly documents: readonly DocumentRef[];
}

/**
 * Short-lived read URLs for verified documents, minted on each read and never stored. The stage
 * use cases pass only the documents on stages the caller may see (a candidate's view holds only
 * the stages visible to them), so a URL never reaches someone who could not see its stage.
 * Implemented by the documents capability; the composition root passes it in.
 */
export interface DocumentLinks {
  /** A read URL per `documentId`; a document without one is absent from the map. */
  readUrls(request: DocumentLinkRequest): Promise<ReadonlyMap<string, string>>;
}

/** Until the documents capability answers, reads carry no URLs. */
export const noDocumentLinks: DocumentLinks = { readUrls: async () => new Map() };
