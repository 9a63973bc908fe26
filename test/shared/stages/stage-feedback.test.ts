import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../shared/platform/errors.ts';
import type { ActorRef, ActorRole } from '../../../shared/auth/domain/actor.ts';
import { feedbackInputSchema } from '../../../shared/stages/domain/feedback.schema.ts';
import { addFeedback, canSubmitFeedback } from '../../../shared/stages/domain/stage-feedback.ts';
import type { Stage, StageType } from '../../../shared/stages/domain/stage.model.ts';
import { doc, expectedStatuses, T0 } from './stage-fixtures.ts';

const NOW = '2025-03-10T12:00:00.000Z';
const scorecard = { rating: 4, recommendation: 'yes', notes: 'Clear thinker' } as const;

const dataFor: Record<StageType, Record<string, unknown>> = {
  live_interview: { recruiterId: 'rec-1', interviewerIds: [], durationMinutes: 60, mode: 'video' },
  assignment: { instructions: 'x', artifacts: [], reviewerIds: [], submission: doc },
  offer: { offerLetter: doc },
  offer_accepted: { onboardingDocuments: [] },
  disqualified: { reason: 'x', notifyCandidate: false },
};

/** Independent expectation: where feedback is taken. */
const feedbackStatuses: Record<StageType, string[]> = {
  live_interview: ['scheduled', 'completed'],
  assignment: ['awaiting_recruiter', 'completed'],
  offer: [],
  offer_accepted: [],
  disqualified: [],
};
const feedbackAuthors: ActorRole[] = ['interviewer', 'recruiter', 'admin'];

function stageOf(type: StageType, status: string, data: Record<string, unknown> = dataFor[type]): Stage {
  return {
    id: 'st-1', type, status, order: 1, title: 't', visibleToCandidate: true, actionableBy: null, data, feedback: [],
    createdAt: T0, createdBy: { role: 'recruiter', id: 'rec-1' }, updatedAt: T0,
  } as Stage;
}

function outcome(stage: Stage, actor: ActorRef): string {
  try {
    const result = addFeedback(stage, scorecard, actor, NOW, 'fb-1');
    expect(result.stage.status).toBe(stage.status);
    expect(result.stage.feedback).toEqual([result.feedback]);
    return 'ok';
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

describe('feedback matrix: type × status × role', () => {
  const roles: ActorRole[] = ['candidate', 'recruiter', 'interviewer', 'admin', 'system'];
  const cases = Object.entries(expectedStatuses).flatMap(([type, statuses]) =>
    statuses.flatMap((status) => roles.map((role) => [type as StageType, status, role] as const)),
  );
  it.each(cases)('%s in %s by %s', (type, status, role) => {
    const typeTakesFeedback = feedbackStatuses[type].length > 0;
    const expected = !typeTakesFeedback
      ? 'STAGE.TRANSITION_NOT_ALLOWED'
      : !feedbackAuthors.includes(role)
        ? 'AUTH.FORBIDDEN'
        : feedbackStatuses[type].includes(status)
          ? 'ok'
          : 'STAGE.TRANSITION_NOT_ALLOWED';
    expect(outcome(stageOf(type, status), { role, id: `${role}-1` })).toBe(expected);
  });
});

describe('addFeedback', () => {
  const interviewer: ActorRef = { role: 'interviewer', id: 'int-1' };

  it('stores the scorecard with author and time, and emits an event carrying only its id', () => {
    const { stage, feedback, event } = addFeedback(stageOf('live_interview', 'completed'), scorecard, interviewer, NOW, 'fb-9');
    expect(feedback).toEqual({ id: 'fb-9', authorId: 'int-1', authorRole: 'interviewer', rating: 4, recommendation: 'yes', notes: 'Clear thinker', submittedAt: NOW });
    expect(stage.updatedAt).toBe(NOW);
    expect(event).toEqual({
      kind: 'stage.feedback_submitted', stageId: 'st-1', stageType: 'live_interview', stageStatus: 'completed', feedbackId: 'fb-9',
      actor: interviewer, timestamp: NOW, visibleToCandidate: false, actionableBy: null,
    });
    expect(JSON.stringify(event)).not.toContain('Clear thinker');
  });

  it('records an admin as admin', () => {
    expect(addFeedback(stageOf('assignment', 'completed'), scorecard, { role: 'admin', id: 'a' }, NOW, 'f').feedback.authorRole).toBe('admin');
  });

  it('appends further scorecards', () => {
    const first = addFeedback(stageOf('live_interview', 'completed'), scorecard, interviewer, NOW, 'fb-1').stage;
    const second = addFeedback(first, { rating: 2, recommendation: 'no' }, { role: 'recruiter', id: 'r' }, NOW, 'fb-2').stage;
    expect(second.feedback.map((f) => f.id)).toEqual(['fb-1', 'fb-2']);
  });

  it('limits interviewers to those assigned when the stage names any', () => {
    const staffed = stageOf('live_interview', 'completed', { ...dataFor.live_interview, interviewerIds: ['int-2'] });
    expect(canSubmitFeedback(staffed, interviewer)).toBe(false);
    expect(() => addFeedback(staffed, scorecard, interviewer, NOW, 'f')).toThrowError(expect.objectContaining({ code: 'AUTH.FORBIDDEN' }));
    expect(outcome(staffed, { role: 'interviewer', id: 'int-2' })).toBe('ok');
    expect(outcome(staffed, { role: 'recruiter', id: 'anyone' })).toBe('ok');
    const reviewed = stageOf('assignment', 'completed', { ...dataFor.assignment, reviewerIds: ['int-3'] });
    expect(outcome(reviewed, interviewer)).toBe('AUTH.FORBIDDEN');
  });

  it('refuses read-only stages', () => {
    const legacy = { ...stageOf('live_interview', 'completed'), readOnly: true } as Stage;
    expect(outcome(legacy, interviewer)).toBe('STAGE.TRANSITION_NOT_ALLOWED');
  });

  it('names the action and allowed actions when refused', () => {
    expect(() => addFeedback(stageOf('live_interview', 'awaiting_candidate'), scorecard, { role: 'recruiter', id: 'r' }, NOW, 'f')).toThrowError(
      expect.objectContaining({ details: expect.objectContaining({ action: 'submit_feedback', status: 'awaiting_candidate', allowedActions: ['schedule', 'cancel'] }) }),
    );
  });
});

describe('feedback body schema', () => {
  it.each([
    [{ rating: 1, recommendation: 'strong_no' }],
    [{ rating: 5, recommendation: 'strong_yes', notes: 'x'.repeat(5000) }],
    [{ rating: 3, recommendation: 'mixed', notes: '' }],
  ])('accepts %j', (body) => {
    expect(feedbackInputSchema.safeParse(body).success).toBe(true);
  });

  it.each([
    [{ rating: 0, recommendation: 'yes' }, 'rating'],
    [{ rating: 6, recommendation: 'yes' }, 'rating'],
    [{ rating: 3.5, recommendation: 'yes' }, 'rating'],
    [{ rating: '4', recommendation: 'yes' }, 'rating'],
    [{ rating: 3, recommendation: 'maybe' }, 'recommendation'],
    [{ rating: 3 }, 'recommendation'],
    [{ rating: 3, recommendation: 'yes', notes: 'x'.repeat(5001) }, 'notes'],
    [{ rating: 3, recommendation: 'yes', authorId: 'spoofed' }, ''],
  ])('rejects %j at %s', (body, path) => {
    const result = feedbackInputSchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('addFeedback reports an invalid scorecard as REQUEST.INVALID with paths', () => {
    expect(() => addFeedback(stageOf('live_interview', 'completed'), { rating: 9, recommendation: 'yes' }, { role: 'recruiter', id: 'r' }, NOW, 'f')).toThrowError(
      expect.objectContaining({ code: 'REQUEST.INVALID', details: { issues: [expect.objectContaining({ path: 'rating' })] } }),
    );
  });
});
