import type { UploadRejectedNotice } from '../../events/api/notification-message.schema.ts';
import type { BlobFacts } from '../domain/content-gate.ts';
import type { UploadIntent } from '../domain/upload-intent.ts';
import type { BlobLocation } from '../ports/blob-store.port.ts';
import type { DocumentsDeps } from './documents-deps.ts';
import type { GateOutcome } from './gate-outcome.ts';
import { countRejection } from './upload-metrics.ts';

/**
 * A blob no open intent covers: a name the server never handed out, another tenant's intent, an
 * intent that never got its URL, or a second blob for an intent already decided (the client
 * PUT again with a URL still valid). It is deleted; a decided intent keeps its decision.
 */
export async function discardUnknown(deps: DocumentsDeps, quarantined: BlobLocation, blob: BlobFacts, intent: UploadIntent | undefined): Promise<GateOutcome> {
  await deps.blobs.delete(quarantined, blob.etag);
  countRejection('unknown_upload', intent?.purpose);
  return { outcome: 'rejected', ...(intent === undefined ? {} : { uploadId: intent.id }), reason: 'unknown_upload' };
}

/** A rejected intent's end: the uploader is told, then the blob is deleted (both safe to repeat). */
export async function finishRejection(deps: DocumentsDeps, intent: UploadIntent, quarantined: BlobLocation, blob: BlobFacts): Promise<GateOutcome> {
  await tellUploader(deps, intent);
  await deps.blobs.delete(quarantined, blob.etag);
  return { outcome: 'rejected', uploadId: intent.id, reason: intent.reason ?? 'unknown' };
}

/** The rejection event for the `notifications` queue; its id is fixed per upload, so a resend is dropped as a duplicate. */
export function rejectionNotice(intent: UploadIntent, now: string): UploadRejectedNotice {
  return {
    kind: 'upload.rejected',
    eventId: `upload.rejected:${intent.id}`,
    tenantId: intent.tenantId,
    applicationId: intent.applicationId,
    ...(intent.stageId === undefined ? {} : { stageId: intent.stageId }),
    uploadId: intent.id,
    purpose: intent.purpose,
    reason: intent.reason ?? 'unknown',
    uploader: intent.uploader,
    timestamp: intent.decidedAt ?? now,
  };
}

async function tellUploader(deps: DocumentsDeps, intent: UploadIntent): Promise<void> {
  const notice = rejectionNotice(intent, deps.clock.now());
  await deps.bus.send('notifications', [
    { messageId: notice.eventId, body: notice, contentType: 'application/json', subject: notice.kind, applicationProperties: { kind: notice.kind } },
  ]);
}
