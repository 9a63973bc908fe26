import type { ApplicationDocument } from './application.schema.ts';
import { isClosed } from './application.ts';
import type { AssignmentData } from './types/assignment.schema.ts';
import type { DisqualifiedData } from './types/disqualified.schema.ts';
import type { LiveInterviewData } from './types/live-interview.schema.ts';
import type { StageAction } from './stage-action.schema.ts';
import { allowedActions } from './stage-lifecycle.ts';
import type { Stage, StageType } from './stage.model.ts';

/** Data fields that are internal per type: staffing, reviewer identity, the real disqualification reason. */
type CandidateDataMap = {
  live_interview: Omit<LiveInterviewData, 'interviewerIds' | 'call'> & { call?: Omit<NonNullable<LiveInterviewData['call']>, 'calendarEventId'> };
  assignment: Omit<AssignmentData, 'reviewerIds' | 'reviewedBy'>;
  offer: Extract<Stage, { type: 'offer' }>['data'];
  offer_accepted: Extract<Stage, { type: 'offer_accepted' }>['data'];
  disqualified: Omit<DisqualifiedData, 'reason' | 'notifyCandidate'>;
};

/** Recruiter-only stage fields, never shown to candidates. */
type InternalStageField = 'feedback' | 'internalNotes' | 'visibleToCandidate' | 'createdBy' | 'data';

export type CandidateStageView = {
  [T in StageType]: Omit<Extract<Stage, { type: T }>, InternalStageField> & {
    data: CandidateDataMap[T];
    /** What the candidate may do on this stage now. */
    allowedActions: StageAction[];
  };
}[StageType];

export interface CandidateApplicationView {
  readonly id: string;
  readonly applicationId: string;
  readonly jobId: string;
  readonly candidateId: string;
  readonly stages: CandidateStageView[];
  readonly closedAt?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

function candidateData(stage: Stage): CandidateDataMap[StageType] {
  switch (stage.type) {
    case 'live_interview': {
      const { interviewerIds: _staff, call, ...data } = stage.data;
      if (call === undefined) return data;
      const { calendarEventId: _eventId, ...candidateCall } = call;
      return { ...data, call: candidateCall };
    }
    case 'assignment': {
      const { reviewerIds: _reviewers, reviewedBy: _reviewer, ...data } = stage.data;
      return data;
    }
    case 'disqualified': {
      const { reason: _reason, notifyCandidate: _notify, ...data } = stage.data;
      return data;
    }
    case 'offer':
    case 'offer_accepted':
      return stage.data;
  }
}

/**
 * A stage as its candidate sees it: without feedback, internal notes, creator, internal data
 * fields. `canAct` false (closed application) empties `allowedActions`. Callers must not pass
 * stages with `visibleToCandidate: false`; `candidateApplicationView` filters them.
 */
export function candidateStageView(stage: Stage, now?: string, canAct = true): CandidateStageView {
  const { feedback: _f, internalNotes: _n, visibleToCandidate: _v, createdBy: _c, data: _d, ...common } = stage;
  return {
    ...common,
    data: candidateData(stage),
    allowedActions: canAct ? allowedActions(stage, 'candidate', now) : [],
  } as CandidateStageView;
}

/**
 * The application as its candidate sees it: only stages visible to them, in order, each through
 * `candidateStageView`; no tenant, recruiters, legacy fields, outbox or sequence.
 */
export function candidateApplicationView(application: ApplicationDocument, now?: string): CandidateApplicationView {
  const canAct = !isClosed(application);
  const stages = application.stages
    .filter((stage) => stage.visibleToCandidate)
    .sort((a, b) => a.order - b.order)
    .map((stage) => candidateStageView(stage, now, canAct));
  return {
    id: application.id,
    applicationId: application.applicationId,
    jobId: application.jobId,
    candidateId: application.candidateId,
    stages,
    ...(application.closedAt === undefined ? {} : { closedAt: application.closedAt }),
    createdAt: application.createdAt,
    updatedAt: application.updatedAt,
  };
}
