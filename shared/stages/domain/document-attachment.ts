import type { ActorRef } from '../../auth/domain/actor.ts';
import type { AggregateResult, ApplicationDocument } from './application.ts';
import { changeStage } from './application.ts';
import type { DocumentPurpose, DocumentRef } from './document-ref.schema.ts';
import { applyAction, transitionNotAllowed, type ActionResult } from './stage-lifecycle.ts';
import type { StageAction } from './stage-action.schema.ts';
import type { Stage } from './stage.model.ts';
import { assignmentHoldsDocument, attachArtifact, attachSubmission } from './types/assignment.attachments.ts';

/** Purposes whose documents end up on a stage (an offer letter is named when the offer is created). */
export type StagePurpose = Exclude<DocumentPurpose, 'offer_letter'>;

/** The stage type each purpose attaches to, and the lifecycle action whose rules the attachment follows. */
export const attachmentTargets: { readonly [P in StagePurpose]: { readonly stageType: Stage['type']; readonly action: StageAction } } = {
  assignment_artifact: { stageType: 'assignment', action: 'add_artifact' },
  assignment_submission: { stageType: 'assignment', action: 'submit' },
  onboarding_document: { stageType: 'offer_accepted', action: 'add_onboarding_document' },
};

export interface AttachmentResult extends AggregateResult {
  /** False when the document was already on the stage: nothing changed, no event. */
  readonly attached: boolean;
}

/**
 * Attaches a verified document to the stage it was uploaded for, by purpose, under the stage
 * type's lifecycle rules, and queues the `stage.transitioned` event with the rule's action.
 * Idempotent: a document already on the stage changes nothing (a content gate that runs twice
 * attaches once). Refusals are the lifecycle's (`STAGE.TRANSITION_NOT_ALLOWED`, `AUTH.FORBIDDEN`,
 * `APPLICATION.CLOSED`, `STAGE.NOT_FOUND`).
 */
export function attachDocument(
  application: ApplicationDocument,
  stageId: string,
  purpose: StagePurpose,
  document: DocumentRef,
  actor: ActorRef,
  now: string,
): AttachmentResult {
  let attached = false;
  const result = changeStage(application, stageId, actor, now, (stage) => {
    if (holdsDocument(stage, document.documentId)) return undefined;
    attached = true;
    return attach(stage, purpose, document, actor, now);
  });
  return { ...result, attached };
}

function attach(stage: Stage, purpose: StagePurpose, document: DocumentRef, actor: ActorRef, now: string): ActionResult {
  const target = attachmentTargets[purpose];
  if (stage.type !== target.stageType) throw transitionNotAllowed(stage, target.action, actor.role, now, 'unknown_action_for_type');
  switch (purpose) {
    case 'assignment_artifact':
      return attachArtifact(stage as Extract<Stage, { type: 'assignment' }>, document, actor, now);
    case 'assignment_submission':
      return attachSubmission(stage as Extract<Stage, { type: 'assignment' }>, document, actor, now);
    case 'onboarding_document':
      return applyAction(stage, 'add_onboarding_document', actor, now, { document });
  }
}

/** Whether a stage already carries the document (any place a verified document can be on it). */
export function holdsDocument(stage: Stage, documentId: string): boolean {
  switch (stage.type) {
    case 'assignment':
      return assignmentHoldsDocument(stage, documentId);
    case 'offer':
      return stage.data.offerLetter?.documentId === documentId;
    case 'offer_accepted':
      return stage.data.onboardingDocuments.some((entry) => entry.documentId === documentId);
    default:
      return false;
  }
}
