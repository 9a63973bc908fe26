import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatText, notificationContent, notificationPayload, type EventFacts } from '../../../shared/notifications/domain/notification-content.ts';
import { notificationEvents } from '../../../shared/notifications/domain/notification-event.ts';

const facts: EventFacts = {
  event: 'interview.reschedule_denied',
  eventId: 'app-1:7',
  tenantId: 'acme',
  timestamp: '2025-03-03T09:00:00.000Z',
  applicationId: 'app-1',
  jobId: 'job-1',
  stage: { id: 'st-1', type: 'live_interview', status: 'scheduled', title: 'Tech interview' },
  actor: { role: 'recruiter', id: 'rec-1' },
};

describe('notification payload', () => {
  it('is the seed payload exactly, plus the event id and event, for staff', () => {
    expect(notificationPayload(facts, 'staff')).toEqual({
      type: 'STAGE_EVENT',
      stageType: 'live_interview',
      stageStatus: 'scheduled',
      applicationId: 'app-1',
      actor: { role: 'recruiter', id: 'rec-1' },
      timestamp: '2025-03-03T09:00:00.000Z',
      eventId: 'app-1:7',
      event: 'interview.reschedule_denied',
    });
  });

  it('names staff by role only for the candidate, and the candidate by id', () => {
    expect(notificationPayload(facts, 'candidate')['actor']).toEqual({ role: 'recruiter' });
    expect(notificationPayload({ ...facts, actor: { role: 'candidate', id: 'c1' } }, 'candidate')['actor']).toEqual({ role: 'candidate', id: 'c1' });
  });

  it('never carries more than the seed fields, whatever the facts hold', () => {
    fc.assert(
      fc.property(fc.constantFrom(...notificationEvents.filter((event) => event !== 'upload.rejected' && event !== 'calendar.connection_invalid')), fc.constantFrom('candidate' as const, 'staff' as const), (event, audience) => {
        const payload = notificationPayload({ ...facts, event, candidateMessage: 'secret-ish', notice: { reason: 'x' } }, audience);
        expect(Object.keys(payload).sort()).toEqual(['actor', 'applicationId', 'event', 'eventId', 'stageStatus', 'stageType', 'timestamp', 'type']);
      }),
    );
  });

  it('tells the candidate a disqualification in the recruiter\'s words, staff without them', () => {
    const disqualified: EventFacts = { ...facts, event: 'candidate.disqualified', stage: { id: 'st-9', type: 'disqualified', status: 'completed' }, candidateMessage: 'Thank you, we went another way.' };
    expect(notificationContent(disqualified, 'candidate', undefined).body).toBe('Thank you, we went another way.');
    expect(notificationContent(disqualified, 'staff', undefined).body).not.toContain('another way');
  });

  it('links back under the public URL, and Chat text carries the link', () => {
    const content = notificationContent(facts, 'staff', 'https://app.example.com');
    expect(content.link).toBe('https://app.example.com/applications/app-1');
    expect(chatText(content)).toBe(`*Reschedule denied*\n${content.body}\n<https://app.example.com/applications/app-1|Open in Stageline>`);
    expect(notificationContent(facts, 'staff', undefined).link).toBeUndefined();
  });
});
