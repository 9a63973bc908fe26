import type { Clock } from '../../platform/clock.ts';
import type { ApplicationRepository } from '../../stages/ports/application-repository.port.ts';
import { trimOutbox } from '../../stages/domain/application.ts';
import type { OutboxEvent } from '../../stages/domain/application.schema.ts';
import type { TimelineAppender } from '../ports/timeline-appender.port.ts';
import type { MessageBus } from '../ports/message-bus.port.ts';
import { notificationMessage, topicMessage } from '../domain/outbox-messages.ts';

export interface PublishOutboxDeps {
  readonly applications: ApplicationRepository;
  readonly bus: MessageBus;
  readonly timeline: TimelineAppender;
  readonly clock: Clock;
  /** Conditional replaces tried before the trim gives up (the next run trims instead). */
  readonly maxTrimAttempts?: number;
}

/** What one application document needs for publishing: its id and its outbox, as committed. */
export interface OutboxSnapshot {
  readonly id: string;
  readonly outbox: readonly OutboxEvent[];
}

export interface PublishOutcome {
  /** Events sent to the topic and the queue and present on the timeline. */
  readonly published: number;
  /** Timeline entries created by this run (fewer than `published` on a republish). */
  readonly appendedToTimeline: number;
  /** Events removed from the stored outbox by this run (0 when another run trimmed them first). */
  readonly trimmed: number;
}

const DEFAULT_TRIM_ATTEMPTS = 10;
/** Messages per send: well inside a Service Bus batch (1 MB on Premium, 256 KB on Standard) for events of ~1 KB. */
const SEND_BATCH = 50;

/**
 * Publishes a committed outbox: every event goes to the `stage-events` topic (a CloudEvent) and
 * the `notifications` queue, and is appended to the timeline; only then are the published events
 * trimmed from the stored document. A crash anywhere before the trim republishes on the next
 * run; the republish is absorbed by duplicate detection (message id = event id) and by the
 * timeline (entry id = event id). The trim re-reads the document and replaces it conditionally,
 * removing only the published ids, so events committed meanwhile stay for the next run.
 *
 * Only committed documents reach this use case (the change feed and the sweeper read stored
 * versions), so nothing rolled back is ever published.
 */
export async function publishOutbox(deps: PublishOutboxDeps, snapshot: OutboxSnapshot): Promise<PublishOutcome> {
  const events = [...snapshot.outbox].sort((a, b) => a.seq - b.seq);
  if (events.length === 0) return { published: 0, appendedToTimeline: 0, trimmed: 0 };

  for (let start = 0; start < events.length; start += SEND_BATCH) {
    const chunk = events.slice(start, start + SEND_BATCH);
    await deps.bus.send('stage-events', chunk.map(topicMessage));
    await deps.bus.send('notifications', chunk.map(notificationMessage));
  }
  const timeline = await deps.timeline.append(events, deps.clock.now());
  const trimmed = await trimPublished(deps, snapshot.id, events.map((event) => event.id));
  return { published: events.length, appendedToTimeline: timeline.appended, trimmed };
}

async function trimPublished(deps: PublishOutboxDeps, applicationId: string, publishedIds: readonly string[]): Promise<number> {
  const attempts = deps.maxTrimAttempts ?? DEFAULT_TRIM_ATTEMPTS;
  const published = new Set(publishedIds);
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const stored = await deps.applications.get(applicationId);
    if (!stored) return 0;
    const removable = stored.document.outbox.filter((event) => published.has(event.id)).length;
    if (removable === 0) return 0;
    const result = await deps.applications.replace(trimOutbox(stored.document, publishedIds), stored.etag);
    if (result !== 'conflict') return removable;
  }
  throw new Error(`Outbox of ${applicationId}: trimming lost ${attempts} races for the document; the events stay and are trimmed on the next run.`);
}
