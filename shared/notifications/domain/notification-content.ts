import type { ActorRef } from '../../auth/domain/actor.ts';
import type { NotificationEvent, ServiceEvent } from './notification-event.ts';
import type { Audience } from './recipients.ts';

/** What happened, as the fan-out read it from the queue message and the application. */
export interface EventFacts {
  readonly event: NotificationEvent;
  readonly eventId: string;
  readonly tenantId: string;
  readonly timestamp: string;
  readonly applicationId?: string;
  readonly jobId?: string;
  readonly stage?: { readonly id: string; readonly type: string; readonly status: string; readonly title?: string };
  readonly actor?: ActorRef;
  /** A disqualification's message to the candidate, if the recruiter wrote one. */
  readonly candidateMessage?: string;
  readonly notice?: { readonly uploadId?: string; readonly purpose?: string; readonly reason?: string; readonly stageId?: string };
}

/** A notification's body as a client app or ATS reads it (inbox `payload`, generic webhook body). */
export type NotificationPayload = Readonly<Record<string, unknown>>;

/** What one recipient (or endpoint) is sent: the words, a link back and the machine-readable payload. */
export interface NotificationContent {
  readonly title: string;
  readonly body: string;
  readonly link?: string;
  readonly payload: NotificationPayload;
}

/**
 * The seed payload (`type: "STAGE_EVENT"`, `stageType`, `stageStatus`, `applicationId`, `actor`,
 * `timestamp`) plus the event id and the notification event. For the candidate, staff are named
 * by role only (as on the candidate's timeline); the candidate never gets a payload about a
 * hidden stage or about feedback (the recipient table never picks them), and no payload carries
 * feedback content, internal notes or the disqualification's internal reason.
 */
export function notificationPayload(facts: EventFacts, audience: Audience): NotificationPayload {
  if (facts.event === 'upload.rejected' || facts.event === 'calendar.connection_invalid') {
    return {
      type: 'NOTICE',
      event: facts.event,
      eventId: facts.eventId,
      timestamp: facts.timestamp,
      ...(facts.applicationId === undefined ? {} : { applicationId: facts.applicationId }),
      ...(facts.notice?.stageId === undefined ? {} : { stageId: facts.notice.stageId }),
      ...(facts.notice?.uploadId === undefined ? {} : { uploadId: facts.notice.uploadId }),
      ...(facts.notice?.purpose === undefined ? {} : { purpose: facts.notice.purpose }),
      ...(facts.notice?.reason === undefined ? {} : { reason: facts.notice.reason }),
    };
  }
  const actor = facts.actor ?? { role: 'system', id: 'stageline' };
  return {
    type: 'STAGE_EVENT',
    stageType: facts.stage?.type,
    stageStatus: facts.stage?.status,
    applicationId: facts.applicationId,
    actor: audience === 'candidate' && actor.role !== 'candidate' ? { role: actor.role } : { role: actor.role, id: actor.id },
    timestamp: facts.timestamp,
    eventId: facts.eventId,
    event: facts.event,
  };
}

const stageTypeNames: Readonly<Record<string, string>> = {
  live_interview: 'Live interview',
  assignment: 'Assignment',
  offer: 'Offer',
  offer_accepted: 'Offer accepted',
  disqualified: 'Disqualification',
};

function stageName(facts: EventFacts): string {
  return facts.stage?.title ?? stageTypeNames[facts.stage?.type ?? ''] ?? 'Stage';
}

function staffActor(facts: EventFacts): string {
  return facts.actor === undefined ? 'Stageline' : `${facts.actor.role} ${facts.actor.id}`;
}

/** Title and body of each event, for the candidate and for staff. */
function words(facts: EventFacts, audience: Audience): { title: string; body: string } {
  const stage = stageName(facts);
  const app = facts.applicationId ?? '';
  const candidate = audience === 'candidate';
  switch (facts.event) {
    case 'stage.created':
      return candidate
        ? { title: `New step: ${stage}`, body: `A new step was added to your application: ${stage}. It is waiting for you.` }
        : { title: `Stage added: ${stage}`, body: `${stage} was added to application ${app} by ${staffActor(facts)}.` };
    case 'interview.scheduled':
      return candidate
        ? { title: 'Interview scheduled', body: `Your interview (${stage}) is scheduled. A calendar invitation is on its way.` }
        : { title: 'Interview scheduled', body: `${stage} for application ${app} was scheduled.` };
    case 'interview.reschedule_requested':
      return candidate
        ? { title: 'Reschedule requested', body: `We received your request to move ${stage}. The recruiter will answer soon.` }
        : { title: 'Reschedule requested', body: `The candidate of application ${app} asked to move ${stage}.` };
    case 'interview.reschedule_approved':
      return candidate
        ? { title: 'Interview moved', body: `Your request was approved: ${stage} has a new time. The calendar invitation is updated.` }
        : { title: 'Reschedule approved', body: `${stage} for application ${app} was moved to a new slot by ${staffActor(facts)}.` };
    case 'interview.reschedule_denied':
      return candidate
        ? { title: 'Interview time unchanged', body: `Your request to move ${stage} was not approved; the interview keeps its time.` }
        : { title: 'Reschedule denied', body: `The request to move ${stage} for application ${app} was denied by ${staffActor(facts)}.` };
    case 'offer.sent':
      return candidate
        ? { title: 'You have an offer', body: 'An offer is waiting for your answer.' }
        : { title: 'Offer sent', body: `An offer was sent for application ${app} by ${staffActor(facts)}.` };
    case 'offer.accepted':
      return candidate
        ? { title: 'Offer accepted', body: 'You accepted the offer. Welcome aboard!' }
        : { title: 'Offer accepted', body: `The candidate of application ${app} accepted the offer.` };
    case 'offer.declined':
      return candidate
        ? { title: 'Offer declined', body: 'You declined the offer. Thank you for letting us know.' }
        : { title: 'Offer declined', body: `The candidate of application ${app} declined the offer.` };
    case 'offer.revoked':
      return candidate
        ? { title: 'Offer withdrawn', body: 'The offer was withdrawn.' }
        : { title: 'Offer revoked', body: `The offer for application ${app} was revoked by ${staffActor(facts)}.` };
    case 'offer.expired':
      return candidate
        ? { title: 'Offer expired', body: 'The offer expired without an answer.' }
        : { title: 'Offer expired', body: `The offer for application ${app} expired.` };
    case 'candidate.disqualified':
      return candidate
        ? { title: 'Update on your application', body: facts.candidateMessage ?? 'Thank you for your time. We will not be moving forward with your application.' }
        : { title: 'Candidate disqualified', body: `Application ${app} was closed (disqualified) by ${staffActor(facts)}.` };
    case 'feedback.submitted':
      return { title: 'Feedback submitted', body: `${staffActor(facts)} submitted feedback on ${stage} for application ${app}.` };
    case 'upload.rejected':
      return { title: 'Upload rejected', body: `Your upload (${facts.notice?.purpose ?? 'document'}) was rejected: ${facts.notice?.reason ?? 'it did not pass the checks'}. Please upload it again.` };
    case 'calendar.connection_invalid':
      return { title: 'Reconnect your calendar', body: 'Google no longer accepts Stageline\'s access to your calendar. Reconnect it so interviews can be scheduled.' };
  }
}

/** Where a notification links to in the web app; none without a public URL. */
export function linkFor(facts: EventFacts, publicUrl: string | undefined): string | undefined {
  if (publicUrl === undefined) return undefined;
  if (facts.event === 'calendar.connection_invalid') return `${publicUrl}/settings/calendar`;
  return facts.applicationId === undefined ? publicUrl : `${publicUrl}/applications/${encodeURIComponent(facts.applicationId)}`;
}

/** The whole notification for one audience. */
export function notificationContent(facts: EventFacts, audience: Audience, publicUrl: string | undefined): NotificationContent {
  const link = linkFor(facts, publicUrl);
  return { ...words(facts, audience), ...(link === undefined ? {} : { link }), payload: notificationPayload(facts, audience) };
}

/** A service notice to tenant admins (an endpoint disabled after failing for a day). */
export function serviceNoticeContent(
  event: ServiceEvent,
  facts: { readonly webhookId: string; readonly urlHint: string; readonly at: string; readonly eventId: string; readonly failingSince?: string },
  publicUrl: string | undefined,
): NotificationContent {
  const payload = { type: 'NOTICE', event, eventId: facts.eventId, timestamp: facts.at, webhookId: facts.webhookId, ...(facts.failingSince ? { failingSince: facts.failingSince } : {}) };
  const link = publicUrl === undefined ? {} : { link: `${publicUrl}/settings/webhooks/${encodeURIComponent(facts.webhookId)}` };
  return event === 'webhook.disabled'
    ? { title: 'Webhook disabled', body: `The webhook to ${facts.urlHint} failed every delivery since ${facts.failingSince ?? 'a day ago'} and was disabled. Fix the endpoint, enable it again and replay its dead letters.`, ...link, payload }
    : { title: 'Webhook ping', body: `A test delivery to ${facts.urlHint}.`, ...link, payload };
}

/** Google Chat's message text: the title in bold, the body, and the link back. */
export function chatText(content: Pick<NotificationContent, 'title' | 'body' | 'link'>): string {
  return `*${content.title}*\n${content.body}${content.link === undefined ? '' : `\n<${content.link}|Open in Stageline>`}`;
}

/** One Chat thread per application (one per candidate). */
export function chatThreadKey(applicationId: string | undefined): string | undefined {
  return applicationId === undefined ? undefined : `stageline-application-${applicationId}`;
}
