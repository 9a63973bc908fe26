import type { ActorRef } from '../../auth/domain/actor.ts';
import type { LiveInterviewStatus } from '../../stages/domain/types/live-interview.schema.ts';
import { stageDefinitions } from '../../stages/domain/stage-registry.ts';
import type { Stage, StageStatusOf, StageType } from '../../stages/domain/stage.model.ts';
import type { LegacyStatus } from '../../stages/domain/legacy-status.ts';

/** What the transformation needs from an application document. */
export interface LegacyApplicationSource {
  readonly id: string;
  /** Absent on applications created after dynamic stages: treated as `applied`. */
  readonly legacyStatus?: LegacyStatus;
  readonly legacyScheduledCallId?: string;
  readonly recruiterIds: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface LegacyTransformOptions {
  /** Status of the referenced scheduled call, when the caller has read it; it wins over the default. */
  readonly scheduledCallStatus?: Exclude<LiveInterviewStatus, 'awaiting_candidate'>;
}

/** Author of every legacy-derived stage. */
export const legacyActor: ActorRef = { role: 'system', id: 'legacy-transform' };

/** Placeholder instructions: legacy assignments were sent outside the system. */
export const legacyAssignmentInstructions = 'This assignment was sent before stages were tracked here; see the original message for details.';
export const legacyRejectionReason = 'Rejected before stages were tracked here.';

type StageStep = { [T in StageType]: { readonly type: T; readonly status: StageStatusOf<T> } }[StageType];

interface LegacyPlan {
  /**
   * The interview stage: its default status, and whether it exists without a referenced
   * scheduled call (`always`) or only with one.
   */
  readonly interview: { readonly status: LiveInterviewStatus; readonly always: boolean };
  readonly steps: readonly StageStep[];
}

/** The mapping documented in docs/legacy-model.md. */
export const legacyPlans: { readonly [S in LegacyStatus]: LegacyPlan } = {
  applied: { interview: { status: 'scheduled', always: false }, steps: [] },
  screening: { interview: { status: 'scheduled', always: false }, steps: [] },
  interview_scheduled: { interview: { status: 'scheduled', always: true }, steps: [] },
  assignment_sent: {
    interview: { status: 'completed', always: false },
    steps: [{ type: 'assignment', status: 'awaiting_candidate' }],
  },
  offer_sent: {
    interview: { status: 'completed', always: false },
    steps: [{ type: 'offer', status: 'awaiting_candidate' }],
  },
  offer_accepted: {
    interview: { status: 'completed', always: false },
    steps: [
      { type: 'offer', status: 'accepted' },
      { type: 'offer_accepted', status: 'awaiting_candidate' },
    ],
  },
  hired: {
    interview: { status: 'completed', always: false },
    steps: [
      { type: 'offer', status: 'accepted' },
      { type: 'offer_accepted', status: 'completed' },
    ],
  },
  rejected: {
    interview: { status: 'completed', always: false },
    steps: [{ type: 'disqualified', status: 'completed' }],
  },
};

const stageIds: { readonly [T in StageType]: string } = {
  live_interview: 'legacy-interview',
  assignment: 'legacy-assignment',
  offer: 'legacy-offer',
  offer_accepted: 'legacy-offer-accepted',
  disqualified: 'legacy-disqualified',
};

function legacyData(step: StageStep, source: LegacyApplicationSource): Stage['data'] {
  switch (step.type) {
    case 'live_interview':
      return {
        ...(source.recruiterIds[0] === undefined ? {} : { recruiterId: source.recruiterIds[0] }),
        interviewerIds: [],
        durationMinutes: 60,
        mode: 'video',
        ...(source.legacyScheduledCallId === undefined ? {} : { scheduledCallId: source.legacyScheduledCallId }),
      };
    case 'assignment':
      return { instructions: legacyAssignmentInstructions, artifacts: [], reviewerIds: [] };
    case 'offer':
      return {};
    case 'offer_accepted':
      return { onboardingDocuments: [] };
    case 'disqualified':
      return { reason: legacyRejectionReason, notifyCandidate: false };
  }
}

function legacyStage(step: StageStep, order: number, source: LegacyApplicationSource): Stage {
  const definition = stageDefinitions[step.type];
  const actionableBy = (definition.actionableBy as Readonly<Record<string, Stage['actionableBy']>>)[step.status] ?? null;
  return {
    id: stageIds[step.type],
    type: step.type,
    status: step.status,
    order,
    title: definition.defaultTitle,
    visibleToCandidate: true,
    actionableBy,
    data: legacyData(step, source),
    feedback: [],
    readOnly: true,
    createdAt: source.createdAt,
    createdBy: legacyActor,
    updatedAt: source.updatedAt,
  } as Stage;
}

/**
 * Read-only stages for an application that predates dynamic stages, from its `legacyStatus` and
 * the scheduled call it may reference. Pure and deterministic: stage ids are fixed per type
 * (`legacy-interview`, `legacy-offer` …), timestamps are the application's, and every stage is
 * `readOnly` so no action or feedback applies to it.
 */
export function transformLegacyApplication(source: LegacyApplicationSource, options: LegacyTransformOptions = {}): Stage[] {
  const plan = legacyPlans[source.legacyStatus ?? 'applied'];
  const steps: StageStep[] = [];
  const hasCall = source.legacyScheduledCallId !== undefined;
  if (plan.interview.always || hasCall) {
    steps.push({ type: 'live_interview', status: (hasCall ? options.scheduledCallStatus : undefined) ?? plan.interview.status });
  }
  steps.push(...plan.steps);
  return steps.map((step, index) => legacyStage(step, index + 1, source));
}
