import type { ActorRef } from '../../../auth/domain/actor.ts';
import { roleIsPermitted } from '../../../auth/domain/actor.ts';
import { DomainError } from '../../../platform/errors.ts';
import type { DocumentRef } from '../document-ref.schema.ts';
import { stageEvent } from '../stage-event.ts';
import { applyAction, assertActionAllowed, deriveActionableBy, transitionNotAllowed, type ActionResult } from '../stage-lifecycle.ts';
import type { AssignmentStage } from '../stage.model.ts';
import { maxSubmissionHistory } from './assignment.schema.ts';

/**
 * Attachments the documents capability makes to an assignment once its content gate verified the
 * upload. They follow the lifecycle's rules for `add_artifact` and `submit`; only the payload
 * (a verified `DocumentRef`, never a client's) differs from the generic route.
 */

/** An uploaded artifact, appended under the `add_artifact` rule (recruiter, while awaiting the candidate, below the limit). */
export function attachArtifact(stage: AssignmentStage, artifact: DocumentRef, actor: ActorRef, now: string): ActionResult {
  assertActionAllowed(stage, 'add_artifact', actor, now);
  const next: AssignmentStage = { ...stage, data: { ...stage.data, artifacts: [...stage.data.artifacts, artifact] }, updatedAt: now };
  return { stage: next, event: stageEvent('stage.transitioned', next, actor, now, { previousStatus: stage.status, action: 'add_artifact' }) };
}

/**
 * The candidate's submission. While the stage awaits the candidate this is the lifecycle's
 * `submit` (→ `awaiting_recruiter`). A later accepted submission that arrives while the stage
 * still awaits the recruiter replaces it; the replaced one moves to `submissionHistory` (oldest
 * first, at most `maxSubmissionHistory`). After the review, or once cancelled, it is refused.
 */
export function attachSubmission(stage: AssignmentStage, submission: DocumentRef, actor: ActorRef, now: string): ActionResult {
  if (stage.status !== 'awaiting_recruiter' || stage.readOnly === true) {
    return applyAction(stage, 'submit', actor, now, { submission });
  }
  if (!roleIsPermitted(['candidate'], actor.role)) {
    throw new DomainError('AUTH.FORBIDDEN', {
      message: `A ${actor.role} may not 'submit' a ${stage.type} stage.`,
      details: { stageId: stage.id, stageType: stage.type, action: 'submit', role: actor.role },
    });
  }
  const history = stage.data.submissionHistory ?? [];
  const previous = stage.data.submission;
  if (previous === undefined || stage.data.submittedAt === undefined) {
    throw transitionNotAllowed(stage, 'submit', actor.role, now, 'no_submission_to_replace');
  }
  if (history.length >= maxSubmissionHistory) throw transitionNotAllowed(stage, 'submit', actor.role, now, 'submission_history_full');
  const { submissionNote: _note, ...data } = stage.data;
  const replaced = {
    submission: previous,
    ...(stage.data.submissionNote === undefined ? {} : { submissionNote: stage.data.submissionNote }),
    submittedAt: stage.data.submittedAt,
    replacedAt: now,
  };
  const next: AssignmentStage = {
    ...stage,
    actionableBy: deriveActionableBy('assignment', 'awaiting_recruiter'),
    data: { ...data, submission, submittedAt: now, submissionHistory: [...history, replaced] },
    updatedAt: now,
  };
  return { stage: next, event: stageEvent('stage.transitioned', next, actor, now, { previousStatus: stage.status, action: 'submit' }) };
}

/** Whether the document is already on the assignment (as an artifact, the submission, or in its history). */
export function assignmentHoldsDocument(stage: AssignmentStage, documentId: string): boolean {
  return (
    stage.data.artifacts.some((artifact) => 'documentId' in artifact && artifact.documentId === documentId) ||
    stage.data.submission?.documentId === documentId ||
    (stage.data.submissionHistory ?? []).some((entry) => entry.submission.documentId === documentId)
  );
}
