import { createHash } from 'node:crypto';
import { DomainError } from '../../platform/errors.ts';
import { attachDocument, type StagePurpose } from '../../stages/domain/document-attachment.ts';
import type { DocumentRef } from '../../stages/domain/document-ref.schema.ts';
import { documentBlobName } from '../domain/blob-names.ts';
import type { BlobFacts } from '../domain/content-gate.ts';
import { documentRecordFor } from '../domain/document-record.ts';
import { maxUploadBytes } from '../domain/purposes.ts';
import { markAccepted, markRejected, type UploadIntent } from '../domain/upload-intent.ts';
import type { BlobLocation } from '../ports/blob-store.port.ts';
import type { StoredIntent } from '../ports/upload-intents.port.ts';
import type { DocumentsDeps } from './documents-deps.ts';
import { finishRejection } from './gate-rejection.ts';
import type { GateOutcome } from './gate-outcome.ts';
import { countAccepted, countRejection } from './upload-metrics.ts';

/**
 * An accepted upload's end, each step safe to repeat:
 * 1. the verified bytes (that exact version, checked against the recorded SHA-256) are written to
 *    the documents container under `{tenant}/{documentId}`: what is kept is what was checked;
 * 2. the document record is created (an existing one is kept);
 * 3. it is attached by purpose through the one mutation path, with its outbox event (a document
 *    already on the stage changes nothing); offer letters wait to be named by an offer;
 * 4. the intent becomes `accepted` (counted once), and only then the quarantine blob is deleted.
 * A stage that no longer takes the document (reviewed, cancelled, closed, flag off) turns the
 * upload into a rejection (`not_attachable`): the stored copy and record are removed first.
 */
export async function finishAcceptance(
  deps: DocumentsDeps,
  stored: StoredIntent,
  quarantined: BlobLocation,
  blob: BlobFacts,
  bytes: Uint8Array | undefined,
): Promise<GateOutcome> {
  const { intent } = stored;
  if (intent.state === 'verifying') {
    const kept: BlobLocation = { area: 'documents', name: documentBlobName(intent.tenantId, intent.documentId) };
    const content = bytes ?? (await deps.blobs.read(quarantined, blob.etag, maxUploadBytes));
    const verified = intent.verified;
    if (content === undefined || verified === undefined || sha256(content) !== verified.sha256) {
      throw new Error(`Upload ${intent.id}: the quarantined bytes are not the ones the gate verified; retrying.`);
    }
    await deps.blobs.write(kept, content, verified.contentType);
    await deps.records.create(documentRecordFor(intent, kept.name, deps.clock.now()));
    if (intent.purpose !== 'offer_letter') {
      try {
        await attach(deps, intent, { documentId: intent.documentId, fileName: intent.fileName, contentType: verified.contentType, size: verified.size });
      } catch (error) {
        if (!isRefusal(error)) throw error;
        return rejectVerified(deps, stored, quarantined, blob, kept);
      }
    }
    if (await settle(deps, stored, (current) => markAccepted(current, deps.clock.now()))) countAccepted(intent.purpose);
  }
  await deps.blobs.delete(quarantined, blob.etag);
  return { outcome: 'accepted', uploadId: intent.id, documentId: intent.documentId };
}

async function attach(deps: DocumentsDeps, intent: UploadIntent, document: DocumentRef): Promise<void> {
  const stageId = intent.stageId;
  if (stageId === undefined) throw new Error(`Upload ${intent.id} (${intent.purpose}) names no stage.`);
  const access = { tenantId: intent.tenantId, actor: intent.uploader };
  await deps.stages().mutate(access, intent.applicationId, (application, now) =>
    attachDocument(application, stageId, intent.purpose as StagePurpose, document, intent.uploader, now),
  );
}

/** The stage refused for good (not a dependency that may answer on the next try). */
function isRefusal(error: unknown): boolean {
  return error instanceof DomainError && error.kind !== 'unavailable' && error.code !== 'APPLICATION.CONCURRENT_UPDATE';
}

async function rejectVerified(deps: DocumentsDeps, stored: StoredIntent, quarantined: BlobLocation, blob: BlobFacts, kept: BlobLocation): Promise<GateOutcome> {
  const { intent } = stored;
  await deps.records.delete({ tenantId: intent.tenantId, applicationId: intent.applicationId, documentId: intent.documentId });
  await deps.blobs.delete(kept);
  const decided = intent.blob ?? { etag: blob.etag, size: blob.size, lastModified: blob.lastModified };
  const rejected = (current: UploadIntent) => markRejected(current, decided, 'not_attachable', deps.clock.now());
  if (await settle(deps, stored, rejected)) countRejection('not_attachable', intent.purpose);
  return finishRejection(deps, rejected(intent), quarantined, blob);
}

/**
 * Moves a `verifying` intent on with one conditional write; after losing a race it re-reads and
 * tries again while the intent is still `verifying`. True when this call made the change.
 */
async function settle(deps: DocumentsDeps, stored: StoredIntent, next: (intent: UploadIntent) => UploadIntent): Promise<boolean> {
  let current: StoredIntent | undefined = stored;
  for (let attempt = 0; attempt < 3 && current?.intent.state === 'verifying'; attempt += 1) {
    const written = await deps.intents.replace(next(current.intent), current.version);
    if (written !== 'conflict') return true;
    current = await deps.intents.getForGate(stored.intent.id);
  }
  if (current?.intent.state === 'verifying') throw new Error(`Upload ${stored.intent.id}: could not record its outcome; retrying.`);
  return false;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
