import type { Counter, Histogram } from '@opentelemetry/api';
import { meter } from '../platform/telemetry.ts';

interface OutboxInstruments {
  readonly published: Counter;
  readonly strandedAge: Histogram;
  readonly publishFailures: Counter;
}

let instruments: OutboxInstruments | undefined;

/** Instruments are created on first use, after the host has installed its meter provider. */
function outboxInstruments(): OutboxInstruments {
  instruments ??= {
    published: meter().createCounter('stageline.outbox.published_events', {
      description: 'Outbox events published (topic, queue and timeline) and trimmed, by path (change feed or sweeper).',
    }),
    strandedAge: meter().createHistogram('stageline.outbox.stranded_age_seconds', {
      description: 'Age of each outbox event the sweeper found still unpublished a minute after it was committed.',
      unit: 's',
      advice: { explicitBucketBoundaries: [60, 120, 300, 600, 1800, 3600, 21600, 86400] },
    }),
    publishFailures: meter().createCounter('stageline.outbox.publish_failures', {
      description: 'Applications whose outbox could not be published in one attempt (it is retried).',
    }),
  };
  return instruments;
}

export type PublishPath = 'change_feed' | 'sweeper';

export function countPublished(events: number, path: PublishPath): void {
  if (events > 0) outboxInstruments().published.add(events, { path });
}

export function countPublishFailure(path: PublishPath): void {
  outboxInstruments().publishFailures.add(1, { path });
}

export function recordStrandedAge(seconds: number): void {
  outboxInstruments().strandedAge.record(Math.max(0, seconds));
}
