import type { ActionableBy, ActorRef } from '../../auth/domain/actor.ts';
import type { StageAction } from './stage-action.schema.ts';
import type { Stage, StageStatus, StageType } from './stage.model.ts';

export const stageEventKinds = ['stage.created', 'stage.transitioned', 'stage.feedback_submitted'] as const;
export type StageEventKind = (typeof stageEventKinds)[number];

/**
 * What happened to one stage, as the outbox carries it. `stage.transitioned` is produced by every
 * applied action, including those that keep the status (`request_reschedule`, `add_artifact` …):
 * consumers key on `action`. Feedback events carry only the feedback id, never its content.
 */
export interface StageEvent {
  readonly kind: StageEventKind;
  readonly stageId: string;
  readonly stageType: StageType;
  /** Status after the change. */
  readonly stageStatus: StageStatus;
  readonly previousStatus?: StageStatus;
  readonly action?: StageAction;
  readonly feedbackId?: string;
  readonly actor: ActorRef;
  readonly timestamp: string;
  /** Whether the candidate may be told: the stage is visible to them and the event is not feedback. */
  readonly visibleToCandidate: boolean;
  readonly actionableBy: ActionableBy;
}

export function stageEvent(
  kind: StageEventKind,
  stage: Stage,
  actor: ActorRef,
  timestamp: string,
  extra: Pick<StageEvent, 'previousStatus' | 'action' | 'feedbackId'> = {},
): StageEvent {
  return {
    kind,
    stageId: stage.id,
    stageType: stage.type,
    stageStatus: stage.status,
    ...extra,
    actor,
    timestamp,
    visibleToCandidate: stage.visibleToCandidate && kind !== 'stage.feedback_submitted',
    actionableBy: stage.actionableBy,
  };
}
