import { assignmentStatuses, maxAssignmentArtifacts } from './assignment.schema.ts';
import type { ActionRule, ActionContext, StageDefinition } from '../stage-definition.ts';
import type { AssignmentStage } from '../stage.model.ts';

function review(outcome: 'passed' | 'failed'): ActionRule<AssignmentStage, 'pass' | 'fail'> {
  return {
    from: ['awaiting_recruiter'],
    to: 'completed',
    roles: ['recruiter'],
    apply: (stage, _payload, { actor, now }: ActionContext) => ({
      ...stage.data,
      outcome,
      reviewedBy: actor,
      reviewedAt: now,
    }),
  };
}

/**
 * assignment: awaiting_candidate → awaiting_recruiter (`submit`) → completed (`pass` / `fail`,
 * recorded in `data.outcome`), or cancelled by the recruiter before completion. The recruiter may
 * add artifacts while the candidate works on it.
 */
export const assignmentDefinition: StageDefinition<AssignmentStage> = {
  type: 'assignment',
  defaultTitle: 'Assignment',
  statuses: assignmentStatuses,
  initialStatus: 'awaiting_candidate',
  actionableBy: { awaiting_candidate: 'candidate', awaiting_recruiter: 'recruiter', completed: null, cancelled: null },
  feedbackStatuses: ['awaiting_recruiter', 'completed'],
  assignedInterviewers: (stage) => stage.data.reviewerIds,
  actions: {
    add_artifact: {
      from: ['awaiting_candidate'],
      roles: ['recruiter'],
      guard: (stage) => (stage.data.artifacts.length >= maxAssignmentArtifacts ? 'artifact_limit_reached' : undefined),
      apply: (stage, payload) => ({ ...stage.data, artifacts: [...stage.data.artifacts, payload.artifact] }),
    },
    submit: {
      owner: 'documents',
      from: ['awaiting_candidate'],
      to: 'awaiting_recruiter',
      roles: ['candidate'],
      apply: (stage, payload, { now }) => ({
        ...stage.data,
        submission: payload.submission,
        ...(payload.note === undefined ? {} : { submissionNote: payload.note }),
        submittedAt: now,
      }),
    },
    pass: review('passed'),
    fail: review('failed'),
    cancel: {
      from: ['awaiting_candidate', 'awaiting_recruiter'],
      to: 'cancelled',
      roles: ['recruiter'],
      apply: (stage, payload, { actor, now }) => ({
        ...stage.data,
        cancellation: { ...(payload.reason === undefined ? {} : { reason: payload.reason }), by: actor, at: now },
      }),
    },
  },
};
