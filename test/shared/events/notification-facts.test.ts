import { describe, expect, it } from 'vitest';
import { notificationMessageSchema } from '../../../shared/events/api/notification-message.schema.ts';
import { applicationFactsOf, type ApplicationFactsSource } from '../../../shared/events/domain/notification-facts.ts';

const application: ApplicationFactsSource = {
  jobId: 'job-1',
  candidateId: 'cand-1',
  recruiterIds: ['rec-1', 'rec-2'],
  stages: [
    { id: 'interview', type: 'live_interview', title: 'Systems design', visibleToCandidate: true, data: { recruiterId: 'rec-1', interviewerIds: ['int-1', 'int-2'] } },
    { id: 'dq', type: 'disqualified', title: 'Not this time', visibleToCandidate: false, data: { reason: 'internal', notifyCandidate: true, candidateMessage: 'Thank you' } },
    { id: 'task', type: 'assignment', title: 'Take-home', visibleToCandidate: true, data: { instructions: 'Build it', interviewerIds: ['not-an-interview'] } },
  ],
};

describe('the application facts a notification message carries', () => {
  it('takes the people and, per stage type, what the fan-out decides on', () => {
    expect(applicationFactsOf(application, 'interview')).toEqual({
      jobId: 'job-1', candidateId: 'cand-1', recruiterIds: ['rec-1', 'rec-2'],
      stage: { title: 'Systems design', visibleToCandidate: true, interviewerIds: ['int-1', 'int-2'] },
    });
    expect(applicationFactsOf(application, 'dq').stage).toEqual({ title: 'Not this time', visibleToCandidate: false, candidateMessage: 'Thank you', notifyCandidate: true });
    // Interviewers only of a live interview; a stage the document no longer has: no stage facts.
    expect(applicationFactsOf(application, 'task').stage).toEqual({ title: 'Take-home', visibleToCandidate: true });
    expect(applicationFactsOf(application, 'gone')).toEqual({ jobId: 'job-1', candidateId: 'cand-1', recruiterIds: ['rec-1', 'rec-2'] });
  });

  it('leaves facts that do not read out of the message instead of making it unreadable (the fan-out then reads the application)', () => {
    const body = {
      type: 'STAGE_EVENT', stageType: 'assignment', stageStatus: 'awaiting_candidate', applicationId: 'app-1', actor: { role: 'recruiter', id: 'rec-1' }, timestamp: '2026-12-01T10:00:00.000Z',
      eventId: 'acme:app-1:1', seq: 1, tenantId: 'acme', kind: 'stage.created', stageId: 'task', visibleToCandidate: true, actionableBy: 'candidate',
    };
    const broken = notificationMessageSchema.safeParse({ ...body, application: { jobId: '', recruiterIds: 'rec-1' } });
    expect(broken.success).toBe(true);
    expect(broken.data?.application).toBeUndefined();
    expect(notificationMessageSchema.parse({ ...body, application: applicationFactsOf(application, 'task') }).application).toEqual(applicationFactsOf(application, 'task'));
  });
});
