import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../shared/platform/errors.ts';
import type { ActorRole } from '../../../shared/auth/domain/actor.ts';
import { createStage } from '../../../shared/stages/domain/new-stage.ts';
import type { CreateStageBody } from '../../../shared/stages/domain/create-stage.schema.ts';
import { stageActions } from '../../../shared/stages/domain/stage-action.schema.ts';
import { allowedActions, applyAction } from '../../../shared/stages/domain/stage-lifecycle.ts';
import type { Stage, StageType } from '../../../shared/stages/domain/stage.model.ts';
import { stageSchema } from '../../../shared/stages/domain/stage.model.ts';
import { expectedStatuses } from './stage-fixtures.ts';

/** Written out independently of the implementation. */
const terminal: Record<StageType, readonly string[]> = {
  live_interview: ['completed', 'cancelled'],
  assignment: ['completed', 'cancelled'],
  offer: ['accepted', 'declined', 'revoked', 'expired'],
  offer_accepted: ['completed'],
  disqualified: ['completed'],
};
const expectedCodes = new Set(['STAGE.TRANSITION_NOT_ALLOWED', 'AUTH.FORBIDDEN', 'REQUEST.INVALID']);

const T0 = Date.parse('2025-03-01T00:00:00.000Z');
const doc = { documentId: 'doc-1', fileName: 'a.pdf', contentType: 'application/pdf', size: 10 };
const bodies: Record<StageType, CreateStageBody> = {
  live_interview: { type: 'live_interview', data: { recruiterId: 'rec-1', slotOptions: ['slot-1', 'slot-2', 'slot-3'] } },
  assignment: { type: 'assignment', data: { instructions: 'Do it', dueAt: '2025-03-20T00:00:00Z' } },
  offer: { type: 'offer', data: { offerLetter: doc, expiresAt: '2025-03-15T00:00:00Z' } },
  offer_accepted: { type: 'offer_accepted', data: {} },
  disqualified: { type: 'disqualified', data: { reason: 'x', notifyCandidate: true } },
};

const slot = fc.constantFrom('slot-1', 'slot-2', 'slot-3', 'slot-9');
const call = { start: '2025-03-20T09:00:00.000Z', end: '2025-03-20T10:00:00.000Z', timeZone: 'Europe/London', status: 'scheduled', calendarEventId: 'abcdefghij0123456789abcdef' };
const reason = fc.option(fc.constantFrom('Because', '', 'x'.repeat(1001)), { nil: undefined }).map((r) => (r === undefined ? {} : { reason: r }));
/** A plausible payload per action (sometimes still invalid: unknown slot, blank or long reason). */
const plausible: Record<string, fc.Arbitrary<unknown>> = {
  schedule: fc.record({ slotId: slot, scheduledCallId: fc.constant('call-1'), call: fc.constant(call) }),
  request_reschedule: fc.record({ reason: fc.constantFrom('Clash', '') }),
  approve_reschedule: fc.record({ slotId: slot, call: fc.constantFrom(call, { ...call, start: 'soon' }) }),
  move_call: fc.record({ call: fc.constant(call) }),
  deny_reschedule: reason,
  complete: fc.constant({}),
  cancel: reason,
  add_artifact: fc.constantFrom({ artifact: { url: 'https://example.com/x' } }, { artifact: doc }),
  submit: fc.constant({ submission: doc }),
  pass: fc.constant(undefined),
  fail: fc.constant({}),
  accept: fc.constant({}),
  decline: reason,
  revoke: reason,
  expire: fc.constant({}),
  add_onboarding_document: fc.constant({ document: doc }),
};
const payloadFor = (action: string) =>
  fc.oneof({ weight: 4, arbitrary: plausible[action] ?? fc.constant({}) }, { weight: 1, arbitrary: fc.anything() });
const step = fc.record({
  /** Half the steps pick among the actions the role may take now, so the walk gets deep. */
  guided: fc.boolean(),
  pick: fc.nat(),
  action: fc.oneof({ weight: 19, arbitrary: fc.constantFrom<string>(...stageActions) }, { weight: 1, arbitrary: fc.string() }),
  role: fc.constantFrom<ActorRole>('candidate', 'recruiter', 'interviewer', 'admin', 'system'),
  payloads: fc.record(Object.fromEntries(stageActions.map((action) => [action, payloadFor(action)]))),
  fallbackPayload: fc.anything(),
  /** Minutes since the previous step: time only moves forward. */
  advance: fc.integer({ min: 0, max: 60 * 24 * 3 }),
});

function freeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) freeze(inner);
    Object.freeze(value);
  }
  return value;
}

describe('lifecycle properties', () => {
  it('random action sequences by random roles stay within the type’s statuses and never change a stage on a rejected action', () => {
    const reached = new Set<string>();
    fc.assert(
      fc.property(fc.constantFrom<StageType>(...(Object.keys(bodies) as StageType[])), fc.array(step, { maxLength: 25 }), (type, steps) => {
        let clock = T0;
        let stage: Stage = freeze(createStage(bodies[type], { role: 'recruiter', id: 'rec-1' }, new Date(clock).toISOString(), 'st-1', 1).stage);
        for (const { guided, pick, role, payloads, fallbackPayload, advance, ...rest } of steps) {
          clock += advance * 60_000;
          const now = new Date(clock).toISOString();
          const before = structuredClone(stage);
          const allowed = allowedActions(stage, role, now);
          const action = guided && allowed.length > 0 ? allowed[pick % allowed.length]! : rest.action;
          const payload = action in payloads ? payloads[action] : fallbackPayload;
          try {
            const result = applyAction(stage, action, { role, id: `${role}-1` }, now, payload);
            expect(allowed).toContain(action);
            expect(expectedStatuses[type]).toContain(result.stage.status);
            expect(terminal[type].includes(before.status) && result.stage.status !== before.status).toBe(false);
            expect(stageSchema.safeParse(result.stage).success).toBe(true);
            expect(result.event.stageStatus).toBe(result.stage.status);
            stage = freeze(result.stage);
            reached.add(`${type}:${stage.status}:${result.event.action}`);
          } catch (error) {
            if (!(error instanceof DomainError) || !expectedCodes.has(error.code)) throw error;
            if (error.code !== 'REQUEST.INVALID') expect(allowed).not.toContain(action);
            expect(stage).toEqual(before);
          }
        }
      }),
      { numRuns: 1500 },
    );
    // The walk must actually explore: every non-initial status of every type is entered at least once
    // (1,500 walks: at 500 a rare status such as offer:declined was missed about once in a few hundred runs).
    const entered = new Set([...reached].map((key) => key.split(':').slice(0, 2).join(':')));
    for (const [type, statuses] of Object.entries(expectedStatuses)) {
      for (const status of statuses) if (status !== 'awaiting_candidate' && type !== 'disqualified') expect(entered).toContain(`${type}:${status}`);
    }
  });

  it('terminal statuses allow no action for any role', () => {
    fc.assert(
      fc.property(fc.constantFrom<StageType>(...(Object.keys(bodies) as StageType[])), fc.constantFrom<ActorRole>('candidate', 'recruiter', 'interviewer', 'admin', 'system'), (type, role) => {
        for (const status of terminal[type]) {
          const base = createStage(bodies[type], { role: 'recruiter', id: 'r' }, '2025-03-01T00:00:00Z', 's', 1).stage;
          expect(allowedActions({ ...base, status } as Stage, role)).toEqual([]);
        }
      }),
    );
  });
});
