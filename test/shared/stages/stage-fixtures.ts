import type { ActorRef } from '../../../shared/auth/domain/actor.ts';
import type { StageType } from '../../../shared/stages/domain/stage.model.ts';

/** Test times, a day apart. */
export const T0 = '2025-03-01T09:00:00.000Z';
export const T1 = '2025-03-02T09:00:00.000Z';
export const T2 = '2025-03-03T09:00:00.000Z';

/** A verified document: an offer letter, a submission, an artifact, an onboarding document. */
export const doc = { documentId: 'doc-1', fileName: 'a.pdf', contentType: 'application/pdf', size: 10 };

export const recruiter: ActorRef = { role: 'recruiter', id: 'rec-1' };
export const candidate: ActorRef = { role: 'candidate', id: 'cand-1' };

/** Every status a stage of each type can be in, written out independently of shared/stages. */
export const expectedStatuses: Record<StageType, readonly string[]> = {
  live_interview: ['awaiting_candidate', 'scheduled', 'completed', 'cancelled'],
  assignment: ['awaiting_candidate', 'awaiting_recruiter', 'completed', 'cancelled'],
  offer: ['awaiting_candidate', 'accepted', 'declined', 'revoked', 'expired'],
  offer_accepted: ['awaiting_candidate', 'completed'],
  disqualified: ['completed'],
};

/** What the scheduling capability hands `schedule` and `approve_reschedule`: the stage's copy of its call. */
export const scheduledCall = {
  start: '2025-03-20T09:00:00.000Z',
  end: '2025-03-20T10:00:00.000Z',
  timeZone: 'Europe/London',
  status: 'scheduled',
  calendarEventId: 'abcdefghij0123456789abcdef',
} as const;
