import { DomainError } from '../../platform/errors.ts';
import type { ActorRef } from '../../auth/domain/actor.ts';
import { roleIsPermitted } from '../../auth/domain/actor.ts';
import type { Feedback, FeedbackInput } from './feedback.schema.ts';
import { feedbackInputSchema } from './feedback.schema.ts';
import { stageEvent } from './stage-event.ts';
import type { StageEvent } from './stage-event.ts';
import { allowedActions } from './stage-lifecycle.ts';
import type { Stage } from './stage.model.ts';
import { definitionOf } from './stage-registry.ts';
import { parseOrThrow } from '../../platform/validation.ts';

/** Roles that may submit feedback (admin counts as recruiter). */
export const feedbackRoles = ['interviewer', 'recruiter'] as const;

/** Name used for feedback in `STAGE.TRANSITION_NOT_ALLOWED` details. */
export const feedbackActionName = 'submit_feedback';

export interface FeedbackResult {
  readonly stage: Stage;
  readonly feedback: Feedback;
  readonly event: StageEvent;
}

function notAllowed(stage: Stage, actor: ActorRef, now: string, reason: string): DomainError {
  return new DomainError('STAGE.TRANSITION_NOT_ALLOWED', {
    message: `Feedback cannot be submitted on a ${stage.type} stage in status '${stage.status}'.`,
    details: {
      stageId: stage.id,
      stageType: stage.type,
      status: stage.status,
      action: feedbackActionName,
      reason,
      allowedActions: allowedActions(stage, actor.role, now),
    },
  });
}

function forbidden(stage: Stage, actor: ActorRef, message: string): DomainError {
  return new DomainError('AUTH.FORBIDDEN', {
    message,
    details: { stageId: stage.id, stageType: stage.type, action: feedbackActionName, role: actor.role },
  });
}

/**
 * Whether the actor could submit feedback on the stage now: an interviewer (assigned to the stage
 * when it names interviewers) or a recruiter/admin, on a type and status that take feedback.
 */
export function canSubmitFeedback(stage: Stage, actor: ActorRef): boolean {
  const definition = definitionOf(stage.type);
  if (stage.readOnly === true || !definition.feedbackStatuses.includes(stage.status)) return false;
  if (!roleIsPermitted(feedbackRoles, actor.role)) return false;
  const assigned = definition.assignedInterviewers(stage);
  return actor.role !== 'interviewer' || assigned.length === 0 || assigned.includes(actor.id);
}

/**
 * Appends a scorecard to the stage and returns it with a `stage.feedback_submitted` event (which
 * names the feedback id only). Status is unchanged. Errors: `STAGE.TRANSITION_NOT_ALLOWED` for a
 * type or status that takes no feedback; `AUTH.FORBIDDEN` for other roles and for interviewers not
 * assigned to the stage; `REQUEST.INVALID` for an invalid scorecard.
 */
export function addFeedback(stage: Stage, body: FeedbackInput, actor: ActorRef, now: string, feedbackId: string): FeedbackResult {
  const definition = definitionOf(stage.type);
  if (stage.readOnly === true) throw notAllowed(stage, actor, now, 'read_only');
  if (definition.feedbackStatuses.length === 0) throw notAllowed(stage, actor, now, 'no_feedback_for_type');
  if (!roleIsPermitted(feedbackRoles, actor.role)) {
    throw forbidden(stage, actor, `A ${actor.role} may not submit feedback.`);
  }
  if (!definition.feedbackStatuses.includes(stage.status)) throw notAllowed(stage, actor, now, 'not_allowed_in_status');
  if (!canSubmitFeedback(stage, actor)) {
    throw forbidden(stage, actor, 'Only interviewers assigned to this stage may submit feedback on it.');
  }
  const input = parseOrThrow(feedbackInputSchema, body);
  const feedback: Feedback = {
    id: feedbackId,
    authorId: actor.id,
    authorRole: actor.role === 'interviewer' ? 'interviewer' : actor.role === 'admin' ? 'admin' : 'recruiter',
    rating: input.rating,
    recommendation: input.recommendation,
    ...(input.notes === undefined || input.notes === '' ? {} : { notes: input.notes }),
    submittedAt: now,
  };
  const next = { ...stage, feedback: [...stage.feedback, feedback], updatedAt: now } as Stage;
  return { stage: next, feedback, event: stageEvent('stage.feedback_submitted', next, actor, now, { feedbackId }) };
}
