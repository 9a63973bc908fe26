import type { NotificationEvent } from './notification-event.ts';

/** Whose eyes a notification is written for: the candidate sees less than staff do. */
export type Audience = 'candidate' | 'staff';

/** One person told in the in-app inbox. */
export interface Recipient {
  readonly userId: string;
  readonly role: 'candidate' | 'recruiter' | 'interviewer' | 'admin';
  readonly audience: Audience;
}

/**
 * The facts about one event that decide who is told, read from the application when the
 * event is fanned out.
 * - `stageVisibleToCandidate`: the event said the stage was visible AND it still is; an event
 *   about a hidden stage never reaches the candidate.
 * - `actionableByCandidate`: the stage waits on the candidate (after the event).
 * - `notifyCandidate`: a disqualification's `data.notifyCandidate`.
 * - `uploader` / `recruiterId`: the person a personal notice is for.
 */
export interface RecipientFacts {
  readonly candidateId?: string;
  readonly recruiterIds: readonly string[];
  readonly interviewerIds: readonly string[];
  readonly stageVisibleToCandidate: boolean;
  readonly actionableByCandidate: boolean;
  readonly notifyCandidate: boolean;
  readonly uploader?: { readonly role: string; readonly id: string };
  readonly recruiterId?: string;
}

/** When the candidate is told. */
export type CandidateRule = 'never' | 'if_visible' | 'if_visible_and_actionable' | 'if_visible_and_notify';

export interface RecipientRule {
  readonly candidate: CandidateRule;
  readonly recruiters: boolean;
  readonly interviewers: boolean;
  /** The person a personal notice names (uploader, recruiter). */
  readonly named: 'uploader' | 'recruiter' | 'none';
}

const rule = (candidate: CandidateRule, interviewers = false): RecipientRule => ({ candidate, recruiters: true, interviewers, named: 'none' });

/** The recipient table: one row per event (the "Events and recipients"). */
export const recipientTable: Readonly<Record<NotificationEvent, RecipientRule>> = {
  'stage.created': rule('if_visible_and_actionable'),
  'feedback.submitted': rule('never'),
  'interview.scheduled': rule('if_visible', true),
  'interview.reschedule_requested': rule('if_visible'),
  'interview.reschedule_approved': rule('if_visible', true),
  'interview.reschedule_denied': rule('if_visible'),
  'offer.sent': rule('if_visible'),
  'offer.accepted': rule('if_visible'),
  'offer.declined': rule('if_visible'),
  'offer.revoked': rule('if_visible'),
  'offer.expired': rule('if_visible'),
  'candidate.disqualified': rule('if_visible_and_notify'),
  'upload.rejected': { candidate: 'never', recruiters: false, interviewers: false, named: 'uploader' },
  'calendar.connection_invalid': { candidate: 'never', recruiters: false, interviewers: false, named: 'recruiter' },
};

function candidateIsTold(rule: CandidateRule, facts: RecipientFacts): boolean {
  switch (rule) {
    case 'never':
      return false;
    case 'if_visible':
      return facts.stageVisibleToCandidate;
    case 'if_visible_and_actionable':
      return facts.stageVisibleToCandidate && facts.actionableByCandidate;
    case 'if_visible_and_notify':
      return facts.stageVisibleToCandidate && facts.notifyCandidate;
  }
}

/** Everyone told about `event` in their inbox, each once (the candidate first, then staff in table order). */
export function recipientsFor(event: NotificationEvent, facts: RecipientFacts): Recipient[] {
  const row = recipientTable[event];
  const found = new Map<string, Recipient>();
  const add = (recipient: Recipient) => {
    if (!found.has(recipient.userId)) found.set(recipient.userId, recipient);
  };
  if (facts.candidateId !== undefined && candidateIsTold(row.candidate, facts)) add({ userId: facts.candidateId, role: 'candidate', audience: 'candidate' });
  if (row.recruiters) for (const id of facts.recruiterIds) add({ userId: id, role: 'recruiter', audience: 'staff' });
  if (row.interviewers) for (const id of facts.interviewerIds) add({ userId: id, role: 'interviewer', audience: 'staff' });
  if (row.named === 'uploader' && facts.uploader !== undefined) {
    const role = facts.uploader.role === 'candidate' ? 'candidate' : facts.uploader.role === 'admin' ? 'admin' : 'recruiter';
    add({ userId: facts.uploader.id, role, audience: role === 'candidate' ? 'candidate' : 'staff' });
  }
  if (row.named === 'recruiter' && facts.recruiterId !== undefined) add({ userId: facts.recruiterId, role: 'recruiter', audience: 'staff' });
  return [...found.values()];
}
