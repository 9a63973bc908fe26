import { createHash } from 'node:crypto';
import { uploadIdOf } from '../domain/blob-names.ts';
import { checkBlob, checkContent, type BlobFacts, type GateVerdict } from '../domain/content-gate.ts';
import { maxUploadBytes } from '../domain/purposes.ts';
import { isDecided, markRejected, markVerifying, type UploadIntent } from '../domain/upload-intent.ts';
import type { BlobLocation } from '../ports/blob-store.port.ts';
import type { StoredIntent } from '../ports/upload-intents.port.ts';
import type { DocumentsDeps } from './documents-deps.ts';
export type { GateOutcome } from './gate-outcome.ts';
import { finishAcceptance } from './gate-acceptance.ts';
import type { GateOutcome } from './gate-outcome.ts';
import { discardUnknown, finishRejection } from './gate-rejection.ts';
import { countRejection } from './upload-metrics.ts';

/** Re-reads after losing a race for the intent to another run of the gate (same blob, fired twice). */
const MAX_CLAIM_ATTEMPTS = 3;

/**
 * The content gate, run by the blob trigger for every blob written to the quarantine container.
 * A SAS cannot cap size or type, so this is the only way a document gets anywhere:
 * 1. storage's facts on the blob's current version; the upload id from its (server-made) name;
 *    no such intent, a name that is not the intent's, or a second blob for a decided intent →
 *    deleted as `unknown_upload`;
 * 2. a pending intent: the blob's time (expired URL) and real size, then its bytes (that exact
 *    version): magic bytes against the allow-list and the declared type, then structure;
 * 3. the verdict is claimed on the intent with one conditional write, naming the blob version;
 * 4. rejected: uploader told, blob deleted. Accepted: stored under a server name, recorded,
 *    attached by purpose through the stage mutation path, intent accepted, quarantine blob deleted.
 * Every step after the claim is idempotent and resumes from the intent's state, so a trigger
 * that fires twice attaches once, and a run that dies between storing and attaching is finished
 * by the next firing (the quarantine blob is deleted last, so there is a next firing).
 */
export async function runContentGate(deps: DocumentsDeps, blobName: string): Promise<GateOutcome> {
  const quarantined: BlobLocation = { area: 'quarantine', name: blobName };
  for (let attempt = 1; ; attempt += 1) {
    const blob = await deps.blobs.inspect(quarantined);
    if (blob === undefined) return { outcome: 'skipped', why: 'gone' };
    const uploadId = uploadIdOf(blobName);
    const found = uploadId === undefined ? undefined : await deps.intents.getForGate(uploadId);
    if (found === undefined || found.intent.blobName !== blobName || found.intent.state === 'failed') {
      return discardUnknown(deps, quarantined, blob, found?.intent);
    }
    if (isDecided(found.intent) && found.intent.blob?.etag !== blob.etag) return discardUnknown(deps, quarantined, blob, found.intent);

    if (found.intent.state !== 'pending') return resume(deps, found, quarantined, blob, undefined);
    const judged = await judge(deps, found.intent, quarantined, blob);
    if (judged === undefined) return { outcome: 'skipped', why: 'changed' };
    const claimed = await claim(deps, found, blob, judged);
    if (claimed === 'conflict') {
      if (attempt >= MAX_CLAIM_ATTEMPTS) throw new Error(`Upload ${found.intent.id}: lost the claim ${attempt} times.`);
      continue;
    }
    return resume(deps, claimed, quarantined, blob, judged.bytes);
  }
}

interface Judgement {
  readonly verdict: GateVerdict;
  readonly bytes?: Uint8Array;
  readonly sha256?: string;
}

/** The verdict on one blob version; `undefined` when that version is no longer there to read. */
async function judge(deps: DocumentsDeps, intent: UploadIntent, quarantined: BlobLocation, blob: BlobFacts): Promise<Judgement | undefined> {
  const early = checkBlob(intent, blob);
  if (early !== undefined) return { verdict: { outcome: 'rejected', reason: early } };
  const bytes = await deps.blobs.read(quarantined, blob.etag, maxUploadBytes);
  if (bytes === undefined) return undefined;
  const verdict = checkContent(intent, await deps.sniffer.sniff(bytes));
  return { verdict, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Records the verdict on the intent, only if nobody else decided first (`'conflict'`). */
async function claim(deps: DocumentsDeps, found: StoredIntent, blob: BlobFacts, judged: Judgement): Promise<StoredIntent | 'conflict'> {
  const now = deps.clock.now();
  const decided = { etag: blob.etag, size: blob.size, lastModified: blob.lastModified };
  const next =
    judged.verdict.outcome === 'accepted'
      ? markVerifying(found.intent, decided, { contentType: judged.verdict.contentType, size: blob.size, sha256: judged.sha256! }, now)
      : markRejected(found.intent, decided, judged.verdict.reason, now);
  const written = await deps.intents.replace(next, found.version);
  if (written !== 'conflict' && judged.verdict.outcome === 'rejected') countRejection(judged.verdict.reason, found.intent.purpose);
  return written;
}

/** Carries a decided intent to its end (again, after a crash or a second firing). */
function resume(deps: DocumentsDeps, stored: StoredIntent, quarantined: BlobLocation, blob: BlobFacts, bytes: Uint8Array | undefined): Promise<GateOutcome> {
  switch (stored.intent.state) {
    case 'rejected':
      return finishRejection(deps, stored.intent, quarantined, blob);
    case 'verifying':
    case 'accepted':
      return finishAcceptance(deps, stored, quarantined, blob, bytes);
    default:
      throw new Error(`Upload ${stored.intent.id} is ${stored.intent.state}; the gate cannot resume it.`);
  }
}
