import type { Clock } from '../../platform/clock.ts';
import type { OutboxEvent } from '../../stages/domain/application.schema.ts';
import { notificationMessage, topicMessage } from '../domain/outbox-messages.ts';
import { applicationFactsOf, type ApplicationFactsSource } from '../domain/notification-facts.ts';
import type { MessageBus } from '../ports/message-bus.port.ts';
import type { TimelineAppender } from '../ports/timeline-appender.port.ts';
import { recordOutboxLag, type PublishPath } from './outbox-metrics.ts';

export interface PublishOutboxDeps {
  readonly bus: MessageBus;
  readonly timeline: TimelineAppender;
  readonly clock: Clock;
}

/**
 * What one application document needs for publishing: its identity and its outbox, as committed;
 * and, when the snapshot has them, the facts notifications are decided on (an application
 * document has them all), which then travel in the `notifications` messages.
 */
export interface OutboxSnapshot extends Partial<ApplicationFactsSource> {
  readonly id: string;
  readonly tenantId: string;
  readonly outbox: readonly OutboxEvent[];
}

export interface PublishOutcome {
  /** Events sent to the topic and the queue by this run (and present on the timeline). */
  readonly published: number;
  /** Timeline entries created by this run (fewer than `published` on a republish). */
  readonly appendedToTimeline: number;
}

/** Messages per send: well inside a Service Bus batch (1 MB on Premium, 256 KB on Standard) for events of ~1 KB. */
const SEND_BATCH = 50;

/**
 * Publishes a committed outbox: every event that has not left yet goes to the `stage-events`
 * topic (a CloudEvent) and the `notifications` queue, then to the timeline, in seq order. The
 * document is not written: the timeline entry is what says an event has left, and the next
 * mutation drops left events from the outbox. Safe to run twice and to race: a republish is
 * absorbed by duplicate detection (message id = event id) and by the timeline (entry id = event id).
 *
 * Only committed documents reach this use case (the change feed and the sweeper read stored
 * versions), so nothing rolled back is ever published.
 */
export async function publishOutbox(deps: PublishOutboxDeps, snapshot: OutboxSnapshot, path: PublishPath = 'change_feed'): Promise<PublishOutcome> {
  const events = await notYetPublished(deps.timeline, snapshot);
  if (events.length === 0) return { published: 0, appendedToTimeline: 0 };

  for (let start = 0; start < events.length; start += SEND_BATCH) {
    const chunk = events.slice(start, start + SEND_BATCH);
    await deps.bus.send('stage-events', chunk.map(topicMessage));
    await deps.bus.send('notifications', chunk.map((event) => notificationMessage(event, factsOf(snapshot, event.stageId))));
  }
  const now = deps.clock.now();
  const timeline = await deps.timeline.append(events, now);
  // Lag is measured for the events this run put on the timeline (a republish has no new lag).
  for (const event of events.slice(events.length - timeline.appended)) recordOutboxLag((Date.parse(now) - Date.parse(event.timestamp)) / 1000, path);
  return { published: events.length, appendedToTimeline: timeline.appended };
}

/**
 * The outbox's events after the newest one already on the timeline. The outbox keeps events
 * that left until a later mutation drops them, so after a mutation it is typically
 * `[left..., new]`: the walk starts at the event before the newest and stops at the first one
 * found on the timeline — usually one point read, instead of sending every earlier event again.
 * The newest itself is not looked up: a redelivered batch sends it once more (a duplicate the
 * broker and the timeline absorb).
 */
async function notYetPublished(timeline: TimelineAppender, snapshot: OutboxSnapshot): Promise<OutboxEvent[]> {
  const events = [...snapshot.outbox].sort((a, b) => a.seq - b.seq);
  for (let index = events.length - 2; index >= 0; index -= 1) {
    if (await timeline.isPublished(snapshot.tenantId, snapshot.id, events[index]!.seq)) return events.slice(index + 1);
  }
  return events;
}

function factsOf(snapshot: OutboxSnapshot, stageId: string) {
  const { jobId, candidateId, recruiterIds, stages } = snapshot;
  if (jobId === undefined || candidateId === undefined || recruiterIds === undefined || stages === undefined) return undefined;
  return applicationFactsOf({ jobId, candidateId, recruiterIds, stages }, stageId);
}
