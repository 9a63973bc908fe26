import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../shared/platform/errors.ts';
import type { ActorRole } from '../../../shared/auth/domain/actor.ts';
import { stageActions } from '../../../shared/stages/domain/stage-action.schema.ts';
import { allowedActions, applyAction, deriveActionableBy } from '../../../shared/stages/domain/stage-lifecycle.ts';
import type { Stage, StageType } from '../../../shared/stages/domain/stage.model.ts';
import { stageSchema, stageStatuses } from '../../../shared/stages/domain/stage.model.ts';
import { expectedStatuses } from './stage-fixtures.ts';

// ---------------------------------------------------------------------------------------------
// The expectation, written independently of shared/stages: which statuses each type has
// (`expectedStatuses`, in stage-fixtures.ts), who has the next move in each, which roles may ever
// take each action, and per situation which actions lead where.
// ---------------------------------------------------------------------------------------------

const roles: ActorRole[] = ['candidate', 'recruiter', 'interviewer', 'admin', 'system'];

const expectedActionableBy: Record<StageType, Record<string, 'candidate' | 'recruiter' | null>> = {
  live_interview: { awaiting_candidate: 'candidate', scheduled: 'recruiter', completed: null, cancelled: null },
  assignment: { awaiting_candidate: 'candidate', awaiting_recruiter: 'recruiter', completed: null, cancelled: null },
  offer: { awaiting_candidate: 'candidate', accepted: null, declined: null, revoked: null, expired: null },
  offer_accepted: { awaiting_candidate: 'candidate', completed: null },
  disqualified: { completed: null },
};

/** Roles that may ever take an action on a type (admin is added wherever recruiter is). */
const permitted: Record<StageType, Record<string, ActorRole[]>> = {
  live_interview: {
    schedule: ['candidate', 'recruiter', 'admin'],
    request_reschedule: ['candidate'],
    approve_reschedule: ['recruiter', 'admin'],
    deny_reschedule: ['recruiter', 'admin'],
    move_call: ['system'],
    complete: ['recruiter', 'admin', 'system'],
    cancel: ['recruiter', 'admin', 'system'],
  },
  assignment: {
    add_artifact: ['recruiter', 'admin'],
    submit: ['candidate'],
    pass: ['recruiter', 'admin'],
    fail: ['recruiter', 'admin'],
    cancel: ['recruiter', 'admin'],
  },
  offer: {
    accept: ['candidate'],
    decline: ['candidate'],
    revoke: ['recruiter', 'admin'],
    expire: ['recruiter', 'admin', 'system'],
  },
  offer_accepted: {
    add_onboarding_document: ['candidate', 'recruiter', 'admin'],
    complete: ['candidate', 'recruiter', 'admin'],
  },
  disqualified: {},
};

const T0 = '2025-03-01T09:00:00.000Z';
const NOW = '2025-03-10T12:00:00.000Z';
const doc = { documentId: 'doc-1', fileName: 'letter.pdf', contentType: 'application/pdf', size: 2048 };
const recruiter = { role: 'recruiter' as const, id: 'rec-1' };

function stage(type: StageType, status: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}): Stage {
  return {
    id: `st-${type}-${status}`,
    type,
    status,
    order: 1,
    title: 'A stage',
    visibleToCandidate: true,
    actionableBy: expectedActionableBy[type][status] ?? null,
    data,
    feedback: [],
    createdAt: T0,
    createdBy: recruiter,
    updatedAt: T0,
    ...extra,
  } as Stage;
}

const interview = { recruiterId: 'rec-1', interviewerIds: ['int-1'], durationMinutes: 60, mode: 'video' };
const call = { start: '2025-03-20T09:00:00.000Z', end: '2025-03-20T10:00:00.000Z', timeZone: 'Europe/London', status: 'scheduled', calendarEventId: 'abcdefghij0123456789abcdef' };
const booked = { ...interview, slotId: 'slot-1', scheduledCallId: 'call-1', scheduledAt: T0, call };
const pending = { requestedBy: { role: 'candidate', id: 'cand-1' }, reason: 'Clash', requestedAt: T0 };
const task = { instructions: 'Build a thing', artifacts: [], reviewerIds: [] };
const fullArtifacts = Array.from({ length: 20 }, (_, i) => ({ url: `https://example.com/a/${i}` }));
const fullDocs = Array.from({ length: 50 }, (_, i) => ({ ...doc, documentId: `d-${i}`, addedBy: recruiter, addedAt: T0 }));

interface Situation {
  readonly name: string;
  readonly stage: Stage;
  /** Actions that succeed for a permitted role, and the status they lead to. */
  readonly allowed: Record<string, string>;
}

const situations: Situation[] = [
  { name: 'interview awaiting candidate', stage: stage('live_interview', 'awaiting_candidate', interview), allowed: { schedule: 'scheduled', cancel: 'cancelled' } },
  { name: 'interview scheduled', stage: stage('live_interview', 'scheduled', booked), allowed: { request_reschedule: 'scheduled', move_call: 'scheduled', complete: 'completed', cancel: 'cancelled' } },
  {
    name: 'interview scheduled, reschedule pending',
    stage: stage('live_interview', 'scheduled', { ...booked, rescheduleRequested: pending }),
    allowed: { approve_reschedule: 'scheduled', deny_reschedule: 'scheduled', move_call: 'scheduled', complete: 'completed', cancel: 'cancelled' },
  },
  { name: 'interview completed', stage: stage('live_interview', 'completed', booked), allowed: {} },
  { name: 'interview cancelled', stage: stage('live_interview', 'cancelled', interview), allowed: {} },
  { name: 'assignment awaiting candidate', stage: stage('assignment', 'awaiting_candidate', task), allowed: { add_artifact: 'awaiting_candidate', submit: 'awaiting_recruiter', cancel: 'cancelled' } },
  { name: 'assignment awaiting candidate, artifacts full', stage: stage('assignment', 'awaiting_candidate', { ...task, artifacts: fullArtifacts }), allowed: { submit: 'awaiting_recruiter', cancel: 'cancelled' } },
  { name: 'assignment awaiting recruiter', stage: stage('assignment', 'awaiting_recruiter', { ...task, submission: doc, submittedAt: T0 }), allowed: { pass: 'completed', fail: 'completed', cancel: 'cancelled' } },
  { name: 'assignment completed', stage: stage('assignment', 'completed', { ...task, submission: doc, outcome: 'passed' }), allowed: {} },
  { name: 'assignment cancelled', stage: stage('assignment', 'cancelled', task), allowed: {} },
  { name: 'offer awaiting candidate', stage: stage('offer', 'awaiting_candidate', { offerLetter: doc, expiresAt: '2025-04-01T00:00:00Z' }), allowed: { accept: 'accepted', decline: 'declined', revoke: 'revoked', expire: 'expired' } },
  { name: 'offer awaiting candidate, past expiry', stage: stage('offer', 'awaiting_candidate', { offerLetter: doc, expiresAt: '2025-03-05T00:00:00Z' }), allowed: { revoke: 'revoked', expire: 'expired' } },
  { name: 'offer accepted', stage: stage('offer', 'accepted', { offerLetter: doc }), allowed: {} },
  { name: 'offer declined', stage: stage('offer', 'declined', { offerLetter: doc }), allowed: {} },
  { name: 'offer revoked', stage: stage('offer', 'revoked', { offerLetter: doc }), allowed: {} },
  { name: 'offer expired', stage: stage('offer', 'expired', { offerLetter: doc }), allowed: {} },
  { name: 'onboarding awaiting candidate', stage: stage('offer_accepted', 'awaiting_candidate', { onboardingDocuments: [] }), allowed: { add_onboarding_document: 'awaiting_candidate', complete: 'completed' } },
  { name: 'onboarding awaiting candidate, documents full', stage: stage('offer_accepted', 'awaiting_candidate', { onboardingDocuments: fullDocs }), allowed: { complete: 'completed' } },
  { name: 'onboarding completed', stage: stage('offer_accepted', 'completed', { onboardingDocuments: [] }), allowed: {} },
  { name: 'disqualified', stage: stage('disqualified', 'completed', { reason: 'No fit', notifyCandidate: true }), allowed: {} },
  { name: 'legacy (read-only) offer awaiting candidate', stage: stage('offer', 'awaiting_candidate', {}, { readOnly: true }), allowed: {} },
];

const payloads: Record<string, unknown> = {
  schedule: { slotId: 'slot-2', scheduledCallId: 'call-2', call },
  request_reschedule: { reason: 'Travelling' },
  approve_reschedule: { slotId: 'slot-9', call: { ...call, start: '2025-03-21T09:00:00.000Z', end: '2025-03-21T10:00:00.000Z' } },
  deny_reschedule: {},
  move_call: { call: { ...call, start: '2025-03-20T11:00:00.000Z', end: '2025-03-20T12:00:00.000Z' } },
  complete: {},
  cancel: { reason: 'Role filled' },
  add_artifact: { artifact: { url: 'https://example.com/brief' } },
  submit: { submission: { ...doc, documentId: 'doc-sub' } },
  pass: {},
  fail: {},
  accept: {},
  decline: { reason: 'Other offer' },
  revoke: {},
  expire: {},
  add_onboarding_document: { document: { ...doc, documentId: 'doc-onb' } },
};

function mayEver(type: StageType, action: string, role: ActorRole): boolean {
  return permitted[type][action]?.includes(role) ?? false;
}

function expectedAllowed(situation: Situation, role: ActorRole): string[] {
  if (situation.stage.readOnly === true) return [];
  return Object.keys(situation.allowed)
    .filter((action) => mayEver(situation.stage.type, action, role))
    .sort();
}

type Outcome = { status: string } | { code: string; allowedActions?: string[] };

function expectedOutcome(situation: Situation, action: string, role: ActorRole): Outcome {
  const { type, readOnly } = situation.stage;
  const notAllowed = { code: 'STAGE.TRANSITION_NOT_ALLOWED', allowedActions: expectedAllowed(situation, role) };
  if (readOnly === true || permitted[type][action] === undefined) return notAllowed;
  if (!mayEver(type, action, role)) return { code: 'AUTH.FORBIDDEN' };
  const next = situation.allowed[action];
  return next === undefined ? notAllowed : { status: next };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function actualOutcome(situation: Situation, action: string, role: ActorRole): Outcome {
  const before = structuredClone(situation.stage);
  const input = deepFreeze(structuredClone(situation.stage));
  try {
    const { stage: next, event } = applyAction(input, action, { role, id: `${role}-1` }, NOW, payloads[action]);
    expect(stageSchema.safeParse(next).success).toBe(true);
    expect(next.actionableBy).toBe(expectedActionableBy[next.type][next.status]);
    expect(next.updatedAt).toBe(NOW);
    expect(event).toMatchObject({
      kind: 'stage.transitioned',
      stageId: before.id,
      stageType: before.type,
      stageStatus: next.status,
      previousStatus: before.status,
      action,
      actor: { role, id: `${role}-1` },
      timestamp: NOW,
    });
    return { status: next.status };
  } catch (error) {
    expect(input).toEqual(before);
    if (!(error instanceof DomainError)) throw error;
    if (error.code === 'STAGE.TRANSITION_NOT_ALLOWED') {
      const details = error.details as { status: string; action: string; allowedActions: string[] };
      expect(details.status).toBe(before.status);
      expect(details.action).toBe(action);
      return { code: error.code, allowedActions: [...details.allowedActions].sort() };
    }
    return { code: error.code };
  }
}

describe('stage fixtures', () => {
  it.each(situations.map((s) => [s.name, s] as const))('%s is a valid stored stage', (_name, situation) => {
    expect(stageSchema.safeParse(situation.stage).success).toBe(true);
  });
});

describe('statuses and actionableBy', () => {
  it('each type has exactly the expected statuses', () => {
    for (const [type, statuses] of Object.entries(expectedStatuses)) {
      expect([...stageStatuses[type as StageType]].sort()).toEqual([...statuses].sort());
    }
  });
  const cases = Object.entries(expectedActionableBy).flatMap(([type, byStatus]) =>
    Object.entries(byStatus).map(([status, who]) => [type, status, who] as const),
  );
  it.each(cases)('%s in %s is actionable by %s', (type, status, who) => {
    expect(deriveActionableBy(type as StageType, status as never)).toBe(who);
  });
});

describe('transition table: situation × action × role', () => {
  const cases = situations.flatMap((situation) =>
    stageActions.flatMap((action) => roles.map((role) => [situation.name, action, role, situation] as const)),
  );
  it.each(cases)('%s: %s by %s', (_name, action, role, situation) => {
    expect(actualOutcome(situation, action, role)).toEqual(expectedOutcome(situation, action, role));
  });
});

describe('allowedActions', () => {
  const cases = situations.flatMap((situation) => roles.map((role) => [situation.name, role, situation] as const));
  it.each(cases)('%s for %s', (_name, role, situation) => {
    expect([...allowedActions(situation.stage, role, NOW)].sort()).toEqual(expectedAllowed(situation, role));
  });

  it('ignores the offer expiry when no time is given', () => {
    const expired = situations.find((s) => s.name === 'offer awaiting candidate, past expiry')!;
    expect(allowedActions(expired.stage, 'candidate').sort()).toEqual(['accept', 'decline']);
  });
});

describe('unknown actions', () => {
  it('rejects an action name outside the vocabulary as an invalid request, naming the allowed actions', () => {
    const situation = situations[0]!;
    const attempt = () => applyAction(situation.stage, 'frobnicate', { role: 'candidate', id: 'c' }, NOW, {});
    expect(attempt).toThrowError(expect.objectContaining({ code: 'REQUEST.INVALID', details: expect.objectContaining({ allowedActions: ['schedule'] }) }));
  });
});
