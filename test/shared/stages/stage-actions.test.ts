import { describe, expect, it } from 'vitest';
import type { ActorRef } from '../../../shared/auth/domain/actor.ts';
import { createStage } from '../../../shared/stages/domain/new-stage.ts';
import type { CreateStageBody } from '../../../shared/stages/domain/create-stage.schema.ts';
import { applyAction } from '../../../shared/stages/domain/stage-lifecycle.ts';
import type { Stage } from '../../../shared/stages/domain/stage.model.ts';
import { candidate, doc, recruiter, T0, T1, T2 } from './stage-fixtures.ts';
import { scheduledCall } from './stage-fixtures.ts';

const system: ActorRef = { role: 'system', id: 'calendar-sync' };

function created(body: CreateStageBody): Stage {
  return createStage(body, recruiter, T0, 'st-1', 1).stage;
}

function run(stage: Stage, steps: [string, ActorRef, unknown?][], at = T1): Stage {
  return steps.reduce((current, [action, actor, payload]) => applyAction(current, action, actor, at, payload).stage, stage);
}

const interview = () => created({ type: 'live_interview', data: { recruiterId: 'rec-1', slotOptions: ['slot-1', 'slot-2'] } });
const scheduled = () => run(interview(), [['schedule', candidate, { slotId: 'slot-1', scheduledCallId: 'call-1', call: scheduledCall }]]);

describe('live_interview effects', () => {
  it('schedule records slot, call and time', () => {
    expect(scheduled().data).toMatchObject({ slotId: 'slot-1', scheduledCallId: 'call-1', scheduledAt: T1 });
  });

  it('schedule refuses a slot outside the offered ones', () => {
    expect(() => applyAction(interview(), 'schedule', candidate, T1, { slotId: 'slot-7', scheduledCallId: 'c', call: scheduledCall })).toThrowError(
      expect.objectContaining({ code: 'REQUEST.INVALID', details: { issues: [expect.objectContaining({ path: 'slotId', code: 'slot_not_offered' })] } }),
    );
  });

  it('schedule needs the call id', () => {
    expect(() => applyAction(interview(), 'schedule', candidate, T1, { slotId: 'slot-1', call: scheduledCall })).toThrowError(
      expect.objectContaining({ code: 'REQUEST.INVALID', details: { issues: [expect.objectContaining({ path: 'scheduledCallId' })] } }),
    );
  });

  it('request_reschedule stores the pending request and keeps the stage scheduled', () => {
    const next = run(scheduled(), [['request_reschedule', candidate, { reason: 'Flight moved', preferredSlotIds: ['slot-2'] }]], T2);
    expect(next.status).toBe('scheduled');
    expect(next.data).toMatchObject({
      rescheduleRequested: { requestedBy: candidate, reason: 'Flight moved', requestedAt: T2, preferredSlotIds: ['slot-2'] },
    });
  });

  it('request_reschedule needs a reason', () => {
    expect(() => applyAction(scheduled(), 'request_reschedule', candidate, T1, { reason: '  ' })).toThrowError(
      expect.objectContaining({ code: 'REQUEST.INVALID', details: { issues: [expect.objectContaining({ path: 'reason' })] } }),
    );
  });

  it('a second request while one is pending is refused with the reason', () => {
    const pending = run(scheduled(), [['request_reschedule', candidate, { reason: 'x' }]]);
    expect(() => applyAction(pending, 'request_reschedule', candidate, T2, { reason: 'y' })).toThrowError(
      expect.objectContaining({
        code: 'STAGE.TRANSITION_NOT_ALLOWED',
        details: expect.objectContaining({ reason: 'reschedule_already_requested', allowedActions: [] }),
      }),
    );
  });

  it('approve moves the same call to the new slot and records the decision', () => {
    const pending = run(scheduled(), [['request_reschedule', candidate, { reason: 'x' }]]);
    const moved = { ...scheduledCall, start: '2025-03-21T09:00:00.000Z', end: '2025-03-21T10:00:00.000Z' };
    const next = run(pending, [['approve_reschedule', recruiter, { slotId: 'slot-2', call: moved }]], T2);
    expect(next.status).toBe('scheduled');
    expect(next.data).toMatchObject({ slotId: 'slot-2', scheduledCallId: 'call-1', call: moved });
    expect(next.data).not.toHaveProperty('rescheduleRequested');
    expect(next.data).toMatchObject({
      lastRescheduleDecision: { decision: 'approved', decidedBy: recruiter, decidedAt: T2, previousSlotId: 'slot-1', newSlotId: 'slot-2', request: { reason: 'x' } },
    });
  });

  it('approve into the current slot is an invalid request', () => {
    const pending = run(scheduled(), [['request_reschedule', candidate, { reason: 'x' }]]);
    expect(() => applyAction(pending, 'approve_reschedule', recruiter, T2, { slotId: 'slot-1', call: scheduledCall })).toThrowError(
      expect.objectContaining({ code: 'REQUEST.INVALID', details: { issues: [expect.objectContaining({ path: 'slotId', code: 'same_slot' })] } }),
    );
  });

  it('deny clears the request, keeps the slot and records the reason', () => {
    const pending = run(scheduled(), [['request_reschedule', candidate, { reason: 'x' }]]);
    const next = run(pending, [['deny_reschedule', { role: 'admin', id: 'adm' }, { reason: 'No other slots' }]], T2);
    expect(next.data).toMatchObject({ slotId: 'slot-1', lastRescheduleDecision: { decision: 'denied', reason: 'No other slots' } });
    expect(next.data).not.toHaveProperty('rescheduleRequested');
  });

  it('complete from calendar sync drops a pending request', () => {
    const next = run(scheduled(), [['request_reschedule', candidate, { reason: 'x' }], ['complete', system]]);
    expect(next.status).toBe('completed');
    expect(next.actionableBy).toBeNull();
    expect(next.data).not.toHaveProperty('rescheduleRequested');
  });

  it('cancel records who, when and why', () => {
    const next = run(scheduled(), [['cancel', recruiter, { reason: 'Position closed' }]], T2);
    expect(next.data).toMatchObject({ cancellation: { reason: 'Position closed', by: recruiter, at: T2 } });
  });

  it('schedule keeps the copy of the call; complete and cancel mark it; move_call (calendar sync) moves it', () => {
    expect(scheduled().data).toMatchObject({ call: scheduledCall });
    expect(run(scheduled(), [['complete', system]]).data).toMatchObject({ call: { ...scheduledCall, status: 'completed' } });
    expect(run(scheduled(), [['cancel', system, { reason: 'Cancelled in Google' }]]).data).toMatchObject({ call: { ...scheduledCall, status: 'cancelled' } });
    const moved = { ...scheduledCall, start: '2025-03-20T11:00:00.000Z', end: '2025-03-20T12:00:00.000Z' };
    const next = run(scheduled(), [['move_call', system, { call: moved }]], T2);
    expect(next).toMatchObject({ status: 'scheduled', data: { slotId: 'slot-1', call: moved } });
    expect(() => applyAction(scheduled(), 'move_call', recruiter, T2, { call: moved })).toThrowError(expect.objectContaining({ code: 'AUTH.FORBIDDEN' }));
  });

  it('a recruiter may schedule for the candidate; an interviewer may not', () => {
    expect(run(interview(), [['schedule', recruiter, { slotId: 'slot-1', scheduledCallId: 'call-9', call: scheduledCall }]])).toMatchObject({ status: 'scheduled', data: { scheduledCallId: 'call-9' } });
    expect(() => applyAction(interview(), 'schedule', { role: 'interviewer', id: 'i' }, T1, { slotId: 'slot-1', scheduledCallId: 'c', call: scheduledCall })).toThrowError(expect.objectContaining({ code: 'AUTH.FORBIDDEN' }));
  });

  it('rejects unknown payload keys', () => {
    expect(() => applyAction(scheduled(), 'complete', recruiter, T1, { force: true })).toThrowError(
      expect.objectContaining({ code: 'REQUEST.INVALID' }),
    );
  });
});

describe('assignment effects', () => {
  const assignment = () => created({ type: 'assignment', data: { instructions: 'Build it' } });

  it('add_artifact appends a link; a document reference is not a payload (uploads are attached by the documents capability)', () => {
    const next = run(assignment(), [
      ['add_artifact', recruiter, { artifact: { url: 'https://example.com/repo' } }],
      ['add_artifact', recruiter, { artifact: { url: 'https://example.com/brief', title: 'Brief' } }],
    ]);
    expect(next.status).toBe('awaiting_candidate');
    expect(next.data).toMatchObject({ artifacts: [{ url: 'https://example.com/repo' }, { url: 'https://example.com/brief', title: 'Brief' }] });
    expect(() => run(assignment(), [['add_artifact', recruiter, { artifact: doc }]])).toThrow(expect.objectContaining({ code: 'REQUEST.INVALID' }));
  });

  it('submit stores the document reference, note and time', () => {
    const next = run(assignment(), [['submit', candidate, { submission: doc, note: 'See README' }]], T2);
    expect(next.status).toBe('awaiting_recruiter');
    expect(next.actionableBy).toBe('recruiter');
    expect(next.data).toMatchObject({ submission: doc, submissionNote: 'See README', submittedAt: T2 });
  });

  it('submit refuses a link as submission', () => {
    expect(() => applyAction(assignment(), 'submit', candidate, T1, { submission: { url: 'https://example.com' } })).toThrowError(
      expect.objectContaining({ code: 'REQUEST.INVALID' }),
    );
  });

  it.each([
    ['pass', 'passed'],
    ['fail', 'failed'],
  ])('%s completes with outcome %s', (action, outcome) => {
    const next = run(assignment(), [['submit', candidate, { submission: doc }], [action, recruiter]], T2);
    expect(next.status).toBe('completed');
    expect(next.data).toMatchObject({ outcome, reviewedBy: recruiter, reviewedAt: T2 });
  });
});

describe('offer effects', () => {
  const offer = (expiresAt = '2025-03-05T00:00:00.000Z') => created({ type: 'offer', data: { offerLetter: doc, expiresAt } });

  it.each([
    ['accept', candidate, 'accepted', undefined],
    ['decline', candidate, 'declined', 'Counter-offer'],
    ['revoke', recruiter, 'revoked', 'Budget freeze'],
    ['expire', system, 'expired', undefined],
  ] as const)('%s records the resolution', (action, actor, outcome, reason) => {
    const next = run(offer(), [[action, actor, reason === undefined ? {} : { reason }]], T2);
    expect(next.status).toBe(outcome);
    expect(next.data).toMatchObject({ resolution: { outcome, by: actor, at: T2, ...(reason === undefined ? {} : { reason }) } });
  });

  it('refuses the candidate at and after expiry, naming no candidate actions', () => {
    const expiresAt = '2025-03-03T09:00:00.000Z';
    for (const action of ['accept', 'decline']) {
      expect(() => applyAction(offer(expiresAt), action, candidate, T2, {})).toThrowError(
        expect.objectContaining({
          code: 'STAGE.TRANSITION_NOT_ALLOWED',
          details: expect.objectContaining({ reason: 'offer_expired', allowedActions: [] }),
        }),
      );
    }
    expect(applyAction(offer(expiresAt), 'accept', candidate, T1, {}).stage.status).toBe('accepted');
  });
});

describe('offer_accepted effects', () => {
  const onboarding = () => created({ type: 'offer_accepted', data: {} });

  it('appends onboarding documents one by one with their author', () => {
    const next = run(onboarding(), [
      ['add_onboarding_document', candidate, { document: doc }],
      ['add_onboarding_document', recruiter, { document: { ...doc, documentId: 'doc-2' } }],
    ]);
    expect(next.data).toMatchObject({
      onboardingDocuments: [
        { ...doc, addedBy: candidate, addedAt: T1 },
        { ...doc, documentId: 'doc-2', addedBy: recruiter, addedAt: T1 },
      ],
    });
  });

  it('complete records the time', () => {
    expect(run(onboarding(), [['complete', candidate]], T2).data).toMatchObject({ completedAt: T2 });
  });
});

describe('error details', () => {
  it('names status, action and the actor’s allowed actions', () => {
    expect(() => applyAction(scheduled(), 'schedule', candidate, T1, {})).toThrowError(
      expect.objectContaining({
        code: 'STAGE.TRANSITION_NOT_ALLOWED',
        details: { stageId: 'st-1', stageType: 'live_interview', status: 'scheduled', action: 'schedule', reason: 'not_allowed_in_status', allowedActions: ['request_reschedule'] },
      }),
    );
  });

  it('checks the transition before the payload', () => {
    expect(() => applyAction(scheduled(), 'schedule', candidate, T1, 'garbage')).toThrowError(
      expect.objectContaining({ code: 'STAGE.TRANSITION_NOT_ALLOWED' }),
    );
  });

  it('forbidden names action and role', () => {
    expect(() => applyAction(scheduled(), 'complete', candidate, T1, {})).toThrowError(
      expect.objectContaining({ code: 'AUTH.FORBIDDEN', details: expect.objectContaining({ action: 'complete', role: 'candidate' }) }),
    );
  });
});
