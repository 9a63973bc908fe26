import { describe, expect, it } from 'vitest';
import type { NotificationsQueueBody } from '../../../shared/events/api/notification-message.schema.ts';
import { notificationEventOf, notificationEvents, type NotificationEvent } from '../../../shared/notifications/domain/notification-event.ts';
import { recipientsFor, recipientTable, type RecipientFacts } from '../../../shared/notifications/domain/recipients.ts';

/**
 * The recipient table, checked against an expectation written out by hand from the issue
 * ("Events and recipients"): for every event, who is told when the stage is visible and
 * actionable by the candidate, visible only, hidden, and (disqualification) with or without
 * `notifyCandidate`. C = candidate, R = recruiters (r1, r2), I = interviewers (i1).
 */
const base: RecipientFacts = {
  candidateId: 'c1',
  recruiterIds: ['r1', 'r2'],
  interviewerIds: ['i1'],
  stageVisibleToCandidate: true,
  actionableByCandidate: true,
  notifyCandidate: true,
  uploader: { role: 'candidate', id: 'c1' },
  recruiterId: 'r9',
};

type Situation = 'visible+actionable' | 'visible' | 'hidden' | 'visible, notify off';
const situations: Record<Situation, Partial<RecipientFacts>> = {
  'visible+actionable': {},
  visible: { actionableByCandidate: false },
  hidden: { stageVisibleToCandidate: false },
  'visible, notify off': { notifyCandidate: false },
};

const CRI = ['c1', 'r1', 'r2', 'i1'];
const CR = ['c1', 'r1', 'r2'];
const RI = ['r1', 'r2', 'i1'];
const R = ['r1', 'r2'];

/** event → situation → who is told. */
const expected: Record<NotificationEvent, Record<Situation, string[]>> = {
  'stage.created': { 'visible+actionable': CR, visible: R, hidden: R, 'visible, notify off': CR },
  'feedback.submitted': { 'visible+actionable': R, visible: R, hidden: R, 'visible, notify off': R },
  'interview.scheduled': { 'visible+actionable': CRI, visible: CRI, hidden: RI, 'visible, notify off': CRI },
  'interview.reschedule_requested': { 'visible+actionable': CR, visible: CR, hidden: R, 'visible, notify off': CR },
  'interview.reschedule_approved': { 'visible+actionable': CRI, visible: CRI, hidden: RI, 'visible, notify off': CRI },
  'interview.reschedule_denied': { 'visible+actionable': CR, visible: CR, hidden: R, 'visible, notify off': CR },
  'offer.sent': { 'visible+actionable': CR, visible: CR, hidden: R, 'visible, notify off': CR },
  'offer.accepted': { 'visible+actionable': CR, visible: CR, hidden: R, 'visible, notify off': CR },
  'offer.declined': { 'visible+actionable': CR, visible: CR, hidden: R, 'visible, notify off': CR },
  'offer.revoked': { 'visible+actionable': CR, visible: CR, hidden: R, 'visible, notify off': CR },
  'offer.expired': { 'visible+actionable': CR, visible: CR, hidden: R, 'visible, notify off': CR },
  'candidate.disqualified': { 'visible+actionable': CR, visible: CR, hidden: R, 'visible, notify off': R },
  'upload.rejected': { 'visible+actionable': ['c1'], visible: ['c1'], hidden: ['c1'], 'visible, notify off': ['c1'] },
  'calendar.connection_invalid': { 'visible+actionable': ['r9'], visible: ['r9'], hidden: ['r9'], 'visible, notify off': ['r9'] },
};

describe('recipient table', () => {
  it('has a row for every event and an expectation for every row', () => {
    expect(Object.keys(recipientTable).sort()).toEqual([...notificationEvents].sort());
    expect(Object.keys(expected).sort()).toEqual([...notificationEvents].sort());
  });

  const rows = notificationEvents.flatMap((event) => (Object.keys(situations) as Situation[]).map((situation) => [event, situation] as const));
  it.each(rows)('%s, stage %s → %j', (event, situation) => {
    const told = recipientsFor(event, { ...base, ...situations[situation] }).map((recipient) => recipient.userId);
    expect(told.sort()).toEqual([...expected[event][situation]].sort());
  });

  it('never tells the candidate about a hidden stage, whatever else holds', () => {
    for (const event of notificationEvents.filter((name) => name !== 'upload.rejected')) {
      const told = recipientsFor(event, { ...base, stageVisibleToCandidate: false });
      expect(told.some((recipient) => recipient.audience === 'candidate'), event).toBe(false);
    }
  });

  it('tells each person once, in the audience of their role', () => {
    const told = recipientsFor('interview.scheduled', { ...base, recruiterIds: ['r1', 'x'], interviewerIds: ['x', 'i1'] });
    expect(told).toEqual([
      { userId: 'c1', role: 'candidate', audience: 'candidate' },
      { userId: 'r1', role: 'recruiter', audience: 'staff' },
      { userId: 'x', role: 'recruiter', audience: 'staff' },
      { userId: 'i1', role: 'interviewer', audience: 'staff' },
    ]);
    expect(recipientsFor('upload.rejected', { ...base, uploader: { role: 'recruiter', id: 'r1' } })).toEqual([{ userId: 'r1', role: 'recruiter', audience: 'staff' }]);
  });
});

describe('which queue messages are notifications', () => {
  const stage = (kind: 'stage.created' | 'stage.transitioned' | 'stage.feedback_submitted', stageType: string, action?: string) =>
    ({ kind, stageType, action }) as unknown as NotificationsQueueBody;
  it.each([
    [stage('stage.created', 'assignment'), 'stage.created'],
    [stage('stage.created', 'live_interview'), 'stage.created'],
    [stage('stage.created', 'offer'), 'offer.sent'],
    [stage('stage.created', 'disqualified'), 'candidate.disqualified'],
    [stage('stage.transitioned', 'live_interview', 'schedule'), 'interview.scheduled'],
    [stage('stage.transitioned', 'live_interview', 'request_reschedule'), 'interview.reschedule_requested'],
    [stage('stage.transitioned', 'live_interview', 'approve_reschedule'), 'interview.reschedule_approved'],
    [stage('stage.transitioned', 'live_interview', 'deny_reschedule'), 'interview.reschedule_denied'],
    [stage('stage.transitioned', 'offer', 'accept'), 'offer.accepted'],
    [stage('stage.transitioned', 'offer', 'decline'), 'offer.declined'],
    [stage('stage.transitioned', 'offer', 'revoke'), 'offer.revoked'],
    [stage('stage.transitioned', 'offer', 'expire'), 'offer.expired'],
    [stage('stage.feedback_submitted', 'live_interview'), 'feedback.submitted'],
    [stage('stage.transitioned', 'assignment', 'add_artifact'), undefined],
    [stage('stage.transitioned', 'assignment', 'submit'), undefined],
    [stage('stage.transitioned', 'live_interview', 'complete'), undefined],
    [{ kind: 'upload.rejected' } as NotificationsQueueBody, 'upload.rejected'],
    [{ kind: 'calendar.connection_invalid' } as NotificationsQueueBody, 'calendar.connection_invalid'],
  ])('%j → %s', (body, event) => {
    expect(notificationEventOf(body)).toBe(event);
  });
});
