import { performance } from 'node:perf_hooks';
import type { Access } from '../../auth/domain/permissions.ts';
import { DomainError } from '../../platform/errors.ts';
import type { ApplicationDocument } from '../../stages/domain/application.schema.ts';
import { findStage, isClosed } from '../../stages/domain/application.ts';
import { assertActionAllowed } from '../../stages/domain/stage-lifecycle.ts';
import type { CreateUploadBody } from '../api/upload-requests.schema.ts';
import type { UploadIntentResponse } from '../api/upload-views.schema.ts';
import { quarantineBlobName } from '../domain/blob-names.ts';
import { sanitiseFileName } from '../domain/file-name.ts';
import { checkDeclaration, maxUploadBytes, uploadRules } from '../domain/purposes.ts';
import { markFailed, newUploadIntent } from '../domain/upload-intent.ts';
import type { DocumentsDeps } from './documents-deps.ts';
import { recordUrlLatency } from './upload-metrics.ts';

/**
 * An upload intent and its write-only URL:
 * 1. the declaration: may this role upload for this purpose, is the stage named as the purpose
 *    needs, are the declared size and type within the limits (nothing is read yet);
 * 2. stage mutations are enabled (the upload ends in one), the application is the caller's to
 *    see, and the stage takes this document now (lifecycle rules of the action it ends in);
 * 3. the intent is stored (`pending`), then the URL is made for one server-named blob;
 * 4. storage down while making it: the intent is marked `failed` and the caller gets
 *    `STORAGE.UNAVAILABLE` with retry advice; no URL exists.
 */
export async function createUploadIntent(deps: DocumentsDeps, access: Access, body: CreateUploadBody): Promise<UploadIntentResponse> {
  const started = performance.now();
  const contentType = checkDeclaration(body, access.actor);
  const stages = deps.stages();
  await stages.assertMutationsEnabled();
  const application = await stages.visibleApplication(access, body.applicationId);
  const now = deps.clock.now();
  assertDestination(application, body, access, now);

  const uploadId = deps.newId();
  const intent = newUploadIntent(
    {
      uploadId,
      documentId: deps.newId(),
      tenantId: access.tenantId,
      applicationId: body.applicationId,
      stageId: body.stageId,
      purpose: body.purpose,
      uploader: access.actor,
      fileName: sanitiseFileName(body.fileName, contentType),
      contentType,
      sizeBytes: body.sizeBytes,
      blobName: quarantineBlobName(access.tenantId, uploadId),
    },
    now,
    deps.uploadUrlTtlMinutes,
  );
  const stored = await deps.intents.create(intent);
  try {
    const uploadUrl = await deps.blobs.uploadUrl({ area: 'quarantine', name: intent.blobName }, { contentType, expiresAt: new Date(intent.expiresAt) });
    recordUrlLatency(performance.now() - started, 'ok', body.purpose);
    return {
      uploadId,
      uploadUrl,
      method: 'PUT',
      headers: { 'x-ms-blob-type': 'BlockBlob', 'content-type': contentType },
      expiresAt: intent.expiresAt,
      maxBytes: maxUploadBytes,
    };
  } catch (error) {
    recordUrlLatency(performance.now() - started, 'failed', body.purpose);
    await deps.intents.replace(markFailed(intent, deps.clock.now()), stored.version).catch(() => undefined);
    throw error;
  }
}

/**
 * The application (and stage) the document is for must take it now: a candidate may not upload
 * to a closed application; a purpose with a stage needs that stage visible to the caller
 * (`STAGE.NOT_FOUND` otherwise) and its lifecycle to allow the action the upload ends in
 * (`STAGE.TRANSITION_NOT_ALLOWED`, e.g. a submission after the recruiter's review).
 */
function assertDestination(application: ApplicationDocument, body: CreateUploadBody, access: Access, now: string): void {
  if (isClosed(application)) {
    throw new DomainError('APPLICATION.CLOSED', { details: { applicationId: application.id, closedAt: application.closedAt } });
  }
  const rule = uploadRules[body.purpose];
  if (rule.stage === 'none' || body.stageId === undefined) return;
  const stage = findStage(application, body.stageId, access.actor);
  assertActionAllowed(stage, rule.stage.action, access.actor, now);
}
