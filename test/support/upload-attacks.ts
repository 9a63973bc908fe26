import { randomUUID } from 'node:crypto';
import { maxUploadBytes } from '../../shared/documents/domain/purposes.ts';
import type { ApiStack } from './stage-api.ts';
import { bytesOfSize, doc, docxZipBomb, exe, jpeg, pdf, plainZip, png, truncatedPdf } from './document-files.ts';
import {
  blobNames, documentIdsOnStages, documentsOfUpload, documentsStorage, putFile, rejectionNotices, requestUpload, settledUpload, storedIntent, type UploadIntentAnswer,
} from './upload-api.ts';

/**
 * The upload attack set (issue 11), shared by `test/http/documents-attacks.test.ts` and
 * `bench/faults/uploads.ts`: what an attacker declares, what they PUT, and what must happen —
 * refused before any URL exists, or rejected by the content gate. Either way nothing may be
 * attached and no blob may exist outside quarantine.
 */
export type Purpose = 'assignment_artifact' | 'assignment_submission' | 'offer_letter' | 'onboarding_document';

export interface UploadAttack {
  readonly name: string;
  readonly purpose: Purpose;
  readonly fileName: string;
  readonly contentType: string;
  /** Declared size; the bytes' length when absent. */
  readonly declaredSize?: number;
  readonly bytes: () => Buffer;
  readonly expected: { readonly refused: string } | { readonly rejected: string };
}

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export const uploadAttacks: readonly UploadAttack[] = [
  { name: 'declared 5 MB + 1 byte', purpose: 'assignment_submission', fileName: 'big.pdf', contentType: 'application/pdf', declaredSize: maxUploadBytes + 1, bytes: () => pdf(), expected: { refused: 'UPLOAD.TOO_LARGE' } },
  { name: 'declared type not allowed (text/html)', purpose: 'assignment_submission', fileName: 'page.html', contentType: 'text/html', bytes: () => Buffer.from('<script>alert(1)</script>'), expected: { refused: 'UPLOAD.TYPE_NOT_ALLOWED' } },
  { name: 'declared type not allowed for the purpose (PNG offer letter)', purpose: 'offer_letter', fileName: 'offer.png', contentType: 'image/png', bytes: png, expected: { refused: 'UPLOAD.TYPE_NOT_ALLOWED' } },
  { name: 'actual 5 MB + 1 byte (declared 1 KB)', purpose: 'assignment_submission', fileName: 'small.pdf', contentType: 'application/pdf', declaredSize: 1024, bytes: () => bytesOfSize(maxUploadBytes + 1), expected: { rejected: 'too_large' } },
  { name: 'an executable renamed cv.pdf, sent as application/pdf', purpose: 'assignment_submission', fileName: 'cv.pdf', contentType: 'application/pdf', bytes: exe, expected: { rejected: 'type_not_allowed' } },
  { name: 'a PNG declared as PDF', purpose: 'onboarding_document', fileName: 'scan.pdf', contentType: 'application/pdf', bytes: png, expected: { rejected: 'type_mismatch' } },
  { name: 'a truncated PDF', purpose: 'offer_letter', fileName: 'offer.pdf', contentType: 'application/pdf', bytes: truncatedPdf, expected: { rejected: 'malformed' } },
  { name: 'a DOCX zip bomb (256 MiB declared, ratio ≈ 1,000)', purpose: 'assignment_artifact', fileName: 'brief.docx', contentType: DOCX, bytes: docxZipBomb, expected: { rejected: 'malformed' } },
  { name: 'a ZIP that is not a DOCX', purpose: 'assignment_submission', fileName: 'solution.docx', contentType: DOCX, bytes: plainZip, expected: { rejected: 'type_not_allowed' } },
  { name: 'a compound file that is not Word, declared DOC', purpose: 'onboarding_document', fileName: 'form.doc', contentType: 'application/msword', bytes: () => doc('Workbook'), expected: { rejected: 'type_not_allowed' } },
  { name: 'a JPEG cut before its end marker', purpose: 'onboarding_document', fileName: 'id.jpg', contentType: 'image/jpeg', bytes: () => jpeg().subarray(0, -2), expected: { rejected: 'malformed' } },
  { name: 'an empty body (declared 2 KB)', purpose: 'assignment_submission', fileName: 'empty.pdf', contentType: 'application/pdf', declaredSize: 2048, bytes: () => Buffer.alloc(0), expected: { rejected: 'malformed' } },
];

export interface AttackEvidence {
  readonly name: string;
  readonly expected: string;
  /** `refused CODE` (no URL made) or `rejected reason` (the gate's verdict), or what happened instead. */
  readonly outcome: string;
  /** A document for this upload exists on a stage or as a record. */
  readonly attached: boolean;
  /** Blobs of this upload outside the quarantine container. */
  readonly outsideQuarantine: readonly string[];
  /** The quarantine blob is still there. */
  readonly quarantineLeft: boolean;
  /** The uploader was told (rejections only). */
  readonly noticed: boolean;
  readonly uploadId?: string;
  readonly applicationId: string;
}

export interface AttackTokens {
  readonly recruiter: string;
  readonly candidate: string;
}

/** A fresh application (candidate `cand-1`) with the stage the purpose uploads to; the stage id (absent for offer letters). */
export async function destinationFor(api: ApiStack, tokens: AttackTokens, purpose: Purpose): Promise<{ applicationId: string; stageId?: string }> {
  const created = await api.call('/applications', { token: tokens.recruiter, json: { id: `attack-${randomUUID()}`, jobId: 'job-attacks', candidateId: 'cand-1' } });
  if (created.status !== 201) throw new Error(`creating an application answered ${created.status}`);
  const applicationId = created.body.id as string;
  if (purpose === 'offer_letter') return { applicationId };
  const body = purpose === 'onboarding_document' ? { type: 'offer_accepted', data: {} } : { type: 'assignment', data: { instructions: 'Build it' } };
  const stage = await api.call(`/applications/${applicationId}/stages`, { token: tokens.recruiter, json: body });
  if (stage.status !== 201) throw new Error(`creating a stage answered ${stage.status}`);
  return { applicationId, stageId: stage.body.stage.id as string };
}

export function uploaderToken(tokens: AttackTokens, purpose: Purpose): string {
  return purpose === 'assignment_artifact' || purpose === 'offer_letter' ? tokens.recruiter : tokens.candidate;
}

/** Runs one attack through HTTP and the gate, and collects the evidence. */
export async function runUploadAttack(api: ApiStack, tokens: AttackTokens, attack: UploadAttack): Promise<AttackEvidence> {
  const { applicationId, stageId } = await destinationFor(api, tokens, attack.purpose);
  const token = uploaderToken(tokens, attack.purpose);
  const bytes = attack.bytes();
  const expected = 'refused' in attack.expected ? `refused ${attack.expected.refused}` : `rejected ${attack.expected.rejected}`;
  const answer = await requestUpload(api, token, {
    purpose: attack.purpose, applicationId, ...(stageId === undefined ? {} : { stageId }), fileName: attack.fileName, contentType: attack.contentType, sizeBytes: attack.declaredSize ?? bytes.length,
  });
  if (answer.status !== 201) {
    return { name: attack.name, expected, outcome: `refused ${answer.body?.code}`, attached: (await documentIdsOnStages(api, applicationId)).length > 0, outsideQuarantine: [], quarantineLeft: false, noticed: false, applicationId };
  }
  const intent = answer.body as UploadIntentAnswer;
  const put = await putFile(intent, bytes);
  if (put !== 201) throw new Error(`${attack.name}: PUT answered ${put}`);
  const status = (await settledUpload(api, token, intent.uploadId)).body;
  return { name: attack.name, expected, outcome: status.status === 'rejected' ? `rejected ${status.reason}` : status.status, ...(await evidenceFor(api, applicationId, intent.uploadId)), applicationId, uploadId: intent.uploadId };
}

/** What an upload left behind: a document on a stage or as a record, blobs outside quarantine, its quarantine blob, a notice. */
export async function evidenceFor(api: ApiStack, applicationId: string, uploadId: string): Promise<Pick<AttackEvidence, 'attached' | 'outsideQuarantine' | 'quarantineLeft' | 'noticed'>> {
  const intent = await storedIntent(api, uploadId);
  const documentId = intent?.['documentId'] as string;
  const storage = documentsStorage(api);
  const onStages = await documentIdsOnStages(api, applicationId);
  const records = await documentsOfUpload(api, uploadId);
  return {
    attached: onStages.includes(documentId) || records.length > 0,
    outsideQuarantine: await blobNames(storage.getContainerClient('documents'), `acme/${documentId}`),
    quarantineLeft: (await blobNames(storage.getContainerClient('quarantine'), `acme/${uploadId}`)).length > 0,
    noticed: (await rejectionNotices(api)).some((notice) => notice['uploadId'] === uploadId),
  };
}

/** The bench's and the tests' one-line view of an attack's evidence. */
export function attackRow(evidence: AttackEvidence): string {
  const ok = evidence.outcome === evidence.expected && !evidence.attached && evidence.outsideQuarantine.length === 0 && !evidence.quarantineLeft;
  return `| ${evidence.name} | ${evidence.expected} | ${evidence.outcome} | ${evidence.attached ? 'yes' : 'no'} | ${evidence.outsideQuarantine.length + (evidence.quarantineLeft ? 1 : 0)} | ${ok ? 'ok' : 'FAILED'} |`;
}
