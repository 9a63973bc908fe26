import { DomainError } from '../../platform/errors.ts';
import { eventHash, GENESIS_HASH } from './event-chain.ts';
import { applicationLimits, limitReached } from './application-limits.ts';
import type { LegacyStatus } from './legacy-status.ts';
import type { ActorRef } from '../../auth/domain/actor.ts';
import type { ApplicationDocument, OutboxEvent } from './application.schema.ts';
import { createStage } from './new-stage.ts';
import type { CreateStageBody } from './create-stage.schema.ts';
import type { Feedback, FeedbackInput } from './feedback.schema.ts';
import { addFeedback } from './stage-feedback.ts';
import type { StageEvent } from './stage-event.ts';
import { applyAction, type ActionResult } from './stage-lifecycle.ts';
import type { Stage } from './stage.model.ts';

export type { ApplicationDocument, OutboxEvent } from './application.schema.ts';

export interface NewApplicationInput {
  readonly id: string;
  readonly tenantId: string;
  readonly jobId: string;
  readonly candidateId: string;
  readonly recruiterIds: readonly string[];
  readonly legacyStatus?: LegacyStatus;
  readonly legacyScheduledCallId?: string;
}

/** A mutation's outcome: the whole next document, the stage it touched, and the events it queued. */
export interface AggregateResult {
  readonly application: ApplicationDocument;
  readonly stage: Stage;
  readonly events: readonly OutboxEvent[];
}

export interface FeedbackAggregateResult extends AggregateResult {
  readonly feedback: Feedback;
}

/** A new application document with no stages and an empty outbox. */
export function newApplication(input: NewApplicationInput, now: string): ApplicationDocument {
  return {
    id: input.id,
    applicationId: input.id,
    tenantId: input.tenantId,
    jobId: input.jobId,
    candidateId: input.candidateId,
    recruiterIds: [...input.recruiterIds],
    ...(input.legacyStatus === undefined ? {} : { legacyStatus: input.legacyStatus }),
    ...(input.legacyScheduledCallId === undefined ? {} : { legacyScheduledCallId: input.legacyScheduledCallId }),
    stages: [],
    outbox: [],
    eventSeq: 0,
    chainHead: { seq: 0, hash: GENESIS_HASH },
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * The id of an application's event `seq`: `tenant:application:seq`. Unique across tenants, which
 * may hold the same application id: it is the Service Bus message id (duplicate detection), the
 * CloudEvent id and the timeline entry id.
 */
export function eventIdOf(tenantId: string, applicationId: string, seq: number): string {
  return `${tenantId}:${applicationId}:${seq}`;
}

/** Closed once it has a `disqualified` stage: no further stages, no further candidate actions. */
export function isClosed(application: ApplicationDocument): boolean {
  return application.closedAt !== undefined || application.stages.some((stage) => stage.type === 'disqualified');
}

/** Order the next stage gets: one past the highest so far, starting at 1. */
export function nextStageOrder(application: ApplicationDocument): number {
  return application.stages.reduce((max, stage) => Math.max(max, stage.order), 0) + 1;
}

function assertActorMaySee(application: ApplicationDocument, actor: ActorRef): void {
  if (actor.role === 'candidate' && actor.id !== application.candidateId) {
    throw new DomainError('APPLICATION.NOT_FOUND', { details: { applicationId: application.id } });
  }
}

/** The stage with `stageId`; `STAGE.NOT_FOUND` when absent or, for a candidate, hidden from them. */
export function findStage(application: ApplicationDocument, stageId: string, actor: ActorRef): Stage {
  assertActorMaySee(application, actor);
  const stage = application.stages.find((candidate) => candidate.id === stageId);
  if (stage === undefined || (actor.role === 'candidate' && !stage.visibleToCandidate)) {
    throw new DomainError('STAGE.NOT_FOUND', { details: { applicationId: application.id, stageId } });
  }
  return stage;
}

function appendEvents(
  application: ApplicationDocument,
  events: readonly StageEvent[],
): { application: ApplicationDocument; appended: OutboxEvent[] } {
  let prevHash = application.chainHead?.hash ?? GENESIS_HASH;
  const appended = events.map((event, index): OutboxEvent => {
    const seq = application.eventSeq + index + 1;
    const unchained = { id: eventIdOf(application.tenantId, application.id, seq), seq, applicationId: application.id, tenantId: application.tenantId, ...event };
    const hash = eventHash(unchained, prevHash);
    const chained = { ...unchained, chain: { prevHash, hash } };
    prevHash = hash;
    return chained;
  });
  const eventSeq = application.eventSeq + appended.length;
  return {
    application: { ...application, outbox: [...application.outbox, ...appended], eventSeq, chainHead: { seq: eventSeq, hash: prevHash } },
    appended,
  };
}

function replaceStage(application: ApplicationDocument, stage: Stage, event: StageEvent, now: string): AggregateResult {
  const stages = application.stages.map((existing) => (existing.id === stage.id ? stage : existing));
  const { application: next, appended } = appendEvents({ ...application, stages, updatedAt: now }, [event]);
  return { application: next, stage, events: appended };
}

/**
 * Appends a stage built from a create body (see `createStage`), at the next order, and queues its
 * `stage.created` event. `APPLICATION.CLOSED` once the application has a `disqualified` stage;
 * adding one closes the application (`closedAt`).
 */
export function addStage(
  application: ApplicationDocument,
  body: CreateStageBody,
  actor: ActorRef,
  now: string,
  stageId: string,
): AggregateResult {
  if (isClosed(application)) {
    throw new DomainError('APPLICATION.CLOSED', { details: { applicationId: application.id, closedAt: application.closedAt } });
  }
  if (application.stages.length >= applicationLimits.stages) throw limitReached(application.id, 'stages', application.stages.length);
  const { stage, event } = createStage(body, actor, now, stageId, nextStageOrder(application));
  const closing = stage.type === 'disqualified' ? { closedAt: now } : {};
  const { application: next, appended } = appendEvents(
    { ...application, ...closing, stages: [...application.stages, stage], updatedAt: now },
    [event],
  );
  return { application: next, stage, events: appended };
}

/**
 * Applies an action to one stage (see `applyAction`) and queues its event. `STAGE.NOT_FOUND` for
 * an unknown stage or one hidden from a candidate; on a closed application candidates may no
 * longer act (`APPLICATION.CLOSED`) while recruiters and the system can still wind stages down.
 */
export function applyStageAction(
  application: ApplicationDocument,
  stageId: string,
  action: string,
  actor: ActorRef,
  now: string,
  payload?: unknown,
): AggregateResult {
  return changeStage(application, stageId, actor, now, (stage) => applyAction(stage, action, actor, now, payload));
}

/**
 * A change to one stage that a pure stage-domain function computes (an attachment the documents
 * capability verified, see `document-attachment.ts`), under the same rules as an action:
 * `STAGE.NOT_FOUND` for a stage the actor may not see, `APPLICATION.CLOSED` for a candidate on a
 * closed application. When `change` answers `undefined` nothing changes and no event is queued.
 */
export function changeStage(
  application: ApplicationDocument,
  stageId: string,
  actor: ActorRef,
  now: string,
  change: (stage: Stage) => ActionResult | undefined,
): AggregateResult {
  const stage = findStage(application, stageId, actor);
  if (actor.role === 'candidate' && isClosed(application)) {
    throw new DomainError('APPLICATION.CLOSED', { details: { applicationId: application.id, closedAt: application.closedAt } });
  }
  const result = change(stage);
  if (result === undefined) return { application, stage, events: [] };
  return replaceStage(application, result.stage, result.event, now);
}

/** Adds a scorecard to one stage (see `addFeedback`) and queues its `stage.feedback_submitted` event. */
export function addStageFeedback(
  application: ApplicationDocument,
  stageId: string,
  body: FeedbackInput,
  actor: ActorRef,
  now: string,
  feedbackId: string,
): FeedbackAggregateResult {
  const stage = findStage(application, stageId, actor);
  if (stage.feedback.length >= applicationLimits.feedbackPerStage) throw limitReached(application.id, 'feedbackPerStage', stage.feedback.length);
  const result = addFeedback(stage, body, actor, now, feedbackId);
  return { ...replaceStage(application, result.stage, result.event, now), feedback: result.feedback };
}

/**
 * The outbox without the events up to `throughSeq`, which have left (they reached the bus and the
 * timeline). The next mutation drops them; nothing else ever writes the document for it.
 */
export function dropPublished(application: ApplicationDocument, throughSeq: number): ApplicationDocument {
  return { ...application, outbox: application.outbox.filter((event) => event.seq > throughSeq) };
}
