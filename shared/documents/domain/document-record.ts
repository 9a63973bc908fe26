import { z } from 'zod';
import { actorRefSchema } from '../../auth/domain/actor.ts';
import { documentPurposes, type DocumentRef } from '../../stages/domain/document-ref.schema.ts';
import { allowedContentTypes, type AllowedContentType } from './purposes.ts';
import type { UploadIntent } from './upload-intent.ts';

/**
 * A verified document: what the content gate found (sniffed type, real size, SHA-256) and where
 * it keeps the bytes (`blobName` in the documents container). Stages hold only its `DocumentRef`.
 */
export const documentRecordSchema = z.object({
  /** The document id (id in the `uploads` container, partitioned by application). */
  id: z.string().min(1),
  tenantId: z.string().min(1),
  applicationId: z.string().min(1),
  stageId: z.string().min(1).optional(),
  purpose: z.enum(documentPurposes),
  uploadId: z.string().min(1),
  contentType: z.enum(allowedContentTypes as [AllowedContentType, ...AllowedContentType[]]),
  size: z.number().int().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  uploader: actorRefSchema,
  fileName: z.string().min(1).max(255),
  blobName: z.string().min(1),
  createdAt: z.string().min(1),
});
export type DocumentRecord = z.infer<typeof documentRecordSchema>;

/** The record for an intent the gate verified (`verifying`), stored at `blobName`. */
export function documentRecordFor(intent: UploadIntent, blobName: string, now: string): DocumentRecord {
  if (intent.verified === undefined) throw new Error(`Upload ${intent.id} has no verified content.`);
  return {
    id: intent.documentId,
    tenantId: intent.tenantId,
    applicationId: intent.applicationId,
    ...(intent.stageId === undefined ? {} : { stageId: intent.stageId }),
    purpose: intent.purpose,
    uploadId: intent.id,
    contentType: intent.verified.contentType,
    size: intent.verified.size,
    sha256: intent.verified.sha256,
    uploader: intent.uploader,
    fileName: intent.fileName,
    blobName,
    createdAt: now,
  };
}

/** What a stage stores of a verified document. */
export function documentRefOf(record: Pick<DocumentRecord, 'id' | 'fileName' | 'contentType' | 'size'>): DocumentRef {
  return { documentId: record.id, fileName: record.fileName, contentType: record.contentType, size: record.size };
}
