import type { Access } from '../../auth/domain/permissions.ts';
import { DomainError } from '../../platform/errors.ts';
import { stageViewFor } from '../api/application-views.ts';
import type { StageResponse } from '../api/application-views.schema.ts';
import type { CreateStageRequest } from '../api/create-stage-request.schema.ts';
import { assertApplicationIdShape } from '../domain/application-access.ts';
import { addStage } from '../domain/application.ts';
import type { CreateStageBody } from '../domain/create-stage.schema.ts';
import type { DocumentPurpose, DocumentRef } from '../domain/document-ref.schema.ts';
import type { StageDeps } from './stage-deps.ts';

/**
 * Adds a stage. A live interview naming `data.slotId` is booked by the scheduling capability
 * (`InterviewBooking`: calendar event first, then the stage). Otherwise the documents it names (offer letter, onboarding documents, uploaded artifacts)
 * are resolved to their verified metadata first, then the stage is appended through the one
 * mutation path with its `stage.created` event.
 */
export async function createStage(deps: StageDeps, access: Access, applicationId: string, request: CreateStageRequest): Promise<StageResponse> {
  assertApplicationIdShape(applicationId);
  if (request.type === 'live_interview' && request.data.slotId !== undefined) {
    return deps.interviews.createScheduledInterview(access, applicationId, { ...request, data: { ...request.data, slotId: request.data.slotId } });
  }
  const body = await withVerifiedDocuments(deps, access, applicationId, request);
  const stageId = deps.newId();
  const result = await deps.mutator.mutate(access, applicationId, (application, now) => addStage(application, body, access.actor, now, stageId));
  return { applicationId, model: 'stages', stage: stageViewFor(result.application, result.stage, access.actor, deps.clock.now()) };
}

/**
 * The request with every `{ documentId }` replaced by the verified document; `DOCUMENT.NOT_FOUND`
 * for any other id, `OFFER.LETTER_REQUIRED` for an offer that names no letter.
 */
async function withVerifiedDocuments(deps: StageDeps, access: Access, applicationId: string, request: CreateStageRequest): Promise<CreateStageBody> {
  const resolve = async (documentId: string, purpose: DocumentPurpose, path: string): Promise<DocumentRef> => {
    const document = await deps.documents.find({ tenantId: access.tenantId, applicationId, documentId, purpose });
    if (document === undefined) throw new DomainError('DOCUMENT.NOT_FOUND', { details: { documentId, purpose, path } });
    return document;
  };
  switch (request.type) {
    case 'offer': {
      const letter = request.data.offerLetter;
      if (letter === undefined) throw new DomainError('OFFER.LETTER_REQUIRED', { details: { applicationId, path: 'data.offerLetter' } });
      return { ...request, data: { ...request.data, offerLetter: await resolve(letter.documentId, 'offer_letter', 'data.offerLetter') } };
    }
    case 'offer_accepted': {
      const documents = request.data.onboardingDocuments ?? [];
      const resolved = [];
      for (const [index, ref] of documents.entries()) resolved.push(await resolve(ref.documentId, 'onboarding_document', `data.onboardingDocuments.${index}`));
      return { ...request, data: { ...request.data, onboardingDocuments: resolved } };
    }
    case 'assignment': {
      const artifacts = request.data.artifacts ?? [];
      const resolved = [];
      for (const [index, ref] of artifacts.entries()) {
        resolved.push('documentId' in ref ? await resolve(ref.documentId, 'assignment_artifact', `data.artifacts.${index}`) : ref);
      }
      return { ...request, data: { ...request.data, artifacts: resolved } };
    }
    default:
      return request;
  }
}
