import type { DocumentRef } from '../../stages/domain/document-ref.schema.ts';
import type { DocumentLookup } from '../../stages/ports/verified-documents.port.ts';
import { isServerId } from '../domain/blob-names.ts';
import { documentRefOf } from '../domain/document-record.ts';
import type { DocumentsDeps } from './documents-deps.ts';

/**
 * A document the content gate verified, for the stage that names it (an offer's letter): same
 * tenant and application, uploaded for `purpose`. Anything else is `undefined` (the stage answers
 * `DOCUMENT.NOT_FOUND`); an id the server could not have made costs no read.
 */
export async function findVerifiedDocument(deps: Pick<DocumentsDeps, 'records'>, lookup: DocumentLookup): Promise<DocumentRef | undefined> {
  if (!isServerId(lookup.documentId)) return undefined;
  const record = await deps.records.get(lookup);
  return record === undefined || record.purpose !== lookup.purpose ? undefined : documentRefOf(record);
}
