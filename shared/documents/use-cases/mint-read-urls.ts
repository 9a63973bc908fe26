import type { DocumentLinkRequest } from '../../stages/ports/document-links.port.ts';
import { documentBlobName } from '../domain/blob-names.ts';
import { attachmentDisposition } from '../domain/file-name.ts';
import type { DocumentsDeps } from './documents-deps.ts';

/**
 * Read URLs for the documents on the stages a caller sees, minted now: read-only, one blob each,
 * downloaded as an attachment under the sanitised name with the verified type, valid for the
 * read-URL lifetime (at most 15 minutes). The blob name follows from tenant and document id, so
 * no record is read; the stage only ever holds documents the gate verified for its application.
 */
export async function mintReadUrls(deps: Pick<DocumentsDeps, 'blobs' | 'clock' | 'readUrlTtlMinutes'>, request: DocumentLinkRequest): Promise<ReadonlyMap<string, string>> {
  const expiresAt = new Date(Date.parse(deps.clock.now()) + deps.readUrlTtlMinutes * 60_000);
  const urls = new Map<string, string>();
  for (const document of request.documents) {
    if (urls.has(document.documentId)) continue;
    const url = await deps.blobs.readUrl(
      { area: 'documents', name: documentBlobName(request.tenantId, document.documentId) },
      { expiresAt, contentType: document.contentType, contentDisposition: attachmentDisposition(document.fileName) },
    );
    urls.set(document.documentId, url);
  }
  return urls;
}
