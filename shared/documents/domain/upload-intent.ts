import { z } from 'zod';
import { actorRefSchema, type ActorRef } from '../../auth/domain/actor.ts';
import { documentPurposes, type DocumentPurpose } from '../../stages/domain/document-ref.schema.ts';
import { allowedContentTypes, type AllowedContentType } from './purposes.ts';

/**
 * An upload intent: what a client declared, the one blob it may write, and what the content gate
 * decided. States:
 * - `pending`: the URL was handed out; no blob decided on yet;
 * - `failed`: storage did not answer while the URL was made; the client got 503 and no URL;
 * - `verifying`: the gate accepted one blob version (`blob`) and is storing and attaching it;
 * - `accepted`: stored, recorded and attached (offer letters: recorded, ready for the offer);
 * - `rejected`: the gate refused it (`reason`); no document exists for it.
 * `verifying` is shown to clients as `pending`: `accepted` means the document is on its stage.
 */
export const uploadStates = ['pending', 'failed', 'verifying', 'accepted', 'rejected'] as const;
export type UploadState = (typeof uploadStates)[number];

/** Why the gate refused an upload (the list, plus `not_attachable`: verified, but its stage no longer takes it). */
export const rejectionReasons = ['too_large', 'type_mismatch', 'type_not_allowed', 'malformed', 'unknown_upload', 'expired', 'not_attachable'] as const;
export type RejectionReason = (typeof rejectionReasons)[number];

/** The blob version the gate decided on. */
const decidedBlobSchema = z.strictObject({ etag: z.string().min(1), size: z.number().int().min(0), lastModified: z.string().min(1) });

export const uploadIntentSchema = z.object({
  /** The upload id (partition key of `uploadIntents`). */
  id: z.string().min(1),
  tenantId: z.string().min(1),
  applicationId: z.string().min(1),
  stageId: z.string().min(1).optional(),
  purpose: z.enum(documentPurposes),
  uploader: actorRefSchema,
  /** Sanitised; metadata only, never part of a blob name. */
  fileName: z.string().min(1).max(255),
  declaredContentType: z.enum(allowedContentTypes as [AllowedContentType, ...AllowedContentType[]]),
  declaredSize: z.number().int().min(0),
  /** The one quarantine blob the URL lets the client write. */
  blobName: z.string().min(1),
  /** The id the document gets if accepted (fixed up front, so a gate that runs again stores the same document). */
  documentId: z.string().min(1),
  state: z.enum(uploadStates),
  createdAt: z.string().min(1),
  expiresAt: z.string().min(1),
  blob: decidedBlobSchema.optional(),
  verified: z.strictObject({ contentType: z.enum(allowedContentTypes as [AllowedContentType, ...AllowedContentType[]]), size: z.number().int().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
  reason: z.enum(rejectionReasons).optional(),
  decidedAt: z.string().optional(),
  acceptedAt: z.string().optional(),
  failedAt: z.string().optional(),
});
export type UploadIntent = z.infer<typeof uploadIntentSchema>;
export type DecidedBlob = z.infer<typeof decidedBlobSchema>;
export type VerifiedContent = NonNullable<UploadIntent['verified']>;

export interface NewUploadIntent {
  readonly uploadId: string;
  readonly documentId: string;
  readonly tenantId: string;
  readonly applicationId: string;
  readonly stageId?: string | undefined;
  readonly purpose: DocumentPurpose;
  readonly uploader: ActorRef;
  readonly fileName: string;
  readonly contentType: AllowedContentType;
  readonly sizeBytes: number;
  readonly blobName: string;
}

/** A pending intent whose URL expires `ttlMinutes` after `now`. */
export function newUploadIntent(input: NewUploadIntent, now: string, ttlMinutes: number): UploadIntent {
  return {
    id: input.uploadId,
    tenantId: input.tenantId,
    applicationId: input.applicationId,
    ...(input.stageId === undefined ? {} : { stageId: input.stageId }),
    purpose: input.purpose,
    uploader: input.uploader,
    fileName: input.fileName,
    declaredContentType: input.contentType,
    declaredSize: input.sizeBytes,
    blobName: input.blobName,
    documentId: input.documentId,
    state: 'pending',
    createdAt: now,
    // Whole seconds: a SAS expiry (`se`) has no fractions, and the record must say what the URL says.
    expiresAt: new Date(Math.floor((Date.parse(now) + ttlMinutes * 60_000) / 1000) * 1000).toISOString(),
  };
}

export function markFailed(intent: UploadIntent, now: string): UploadIntent {
  return { ...intent, state: 'failed', failedAt: now };
}

/** The gate accepted this blob version; storing and attaching follow. */
export function markVerifying(intent: UploadIntent, blob: DecidedBlob, verified: VerifiedContent, now: string): UploadIntent {
  return { ...intent, state: 'verifying', blob, verified, decidedAt: now };
}

export function markAccepted(intent: UploadIntent, now: string): UploadIntent {
  return { ...intent, state: 'accepted', acceptedAt: now };
}

export function markRejected(intent: UploadIntent, blob: DecidedBlob, reason: RejectionReason, now: string): UploadIntent {
  const { verified: _verified, ...rest } = intent;
  return { ...rest, state: 'rejected', blob, reason, decidedAt: intent.decidedAt ?? now };
}

/** Whether the gate has decided on a blob version for this intent (any later blob is a second one). */
export function isDecided(intent: UploadIntent): boolean {
  return intent.state === 'verifying' || intent.state === 'accepted' || intent.state === 'rejected';
}

/** What `GET /api/uploads/{id}` answers. */
export interface UploadStatus {
  readonly uploadId: string;
  readonly status: 'pending' | 'accepted' | 'rejected';
  readonly reason?: RejectionReason;
  readonly documentId?: string;
}

export function uploadStatusOf(intent: UploadIntent): UploadStatus {
  switch (intent.state) {
    case 'accepted':
      return { uploadId: intent.id, status: 'accepted', documentId: intent.documentId };
    case 'rejected':
      return { uploadId: intent.id, status: 'rejected', ...(intent.reason === undefined ? {} : { reason: intent.reason }) };
    default:
      return { uploadId: intent.id, status: 'pending' };
  }
}
