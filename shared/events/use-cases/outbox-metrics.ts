import type { Counter, Histogram, Meter, ObservableGauge } from '@opentelemetry/api';
import { meter } from '../../platform/telemetry.ts';

interface OutboxInstruments {
  readonly published: Counter;
  readonly strandedAge: Histogram;
  readonly lag: Histogram;
  readonly publishFailures: Counter;
  readonly oldestStranded: ObservableGauge;
}

/** The oldest stranded event's age at the last sweep (0 when it found none); undefined before the first. */
let oldestStrandedSeconds: number | undefined;

let cached: { readonly meter: Meter; readonly instruments: OutboxInstruments } | undefined;

/**
 * Instruments are created on first use, after the host has installed its meter provider, and
 * again if a host installs another one (the local host does on every start).
 */
function outboxInstruments(): OutboxInstruments {
  const current = meter();
  if (cached?.meter !== current) cached = { meter: current, instruments: createInstruments(current) };
  return cached.instruments;
}

function createInstruments(meter: Meter): OutboxInstruments {
  return {
    published: meter.createCounter('stageline.outbox.published_events', {
      description: 'Outbox events published (topic, queue and timeline) and trimmed, by path (change feed or sweeper).',
    }),
    lag: meter.createHistogram('stageline.outbox.lag_seconds', {
      description: 'Time from an event\'s commit to its publication (topic, queue and timeline), per event.',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600] },
    }),
    strandedAge: meter.createHistogram('stageline.outbox.stranded_age_seconds', {
      description: 'Age of each stranded outbox the sweeper found (since its first failed publish).',
      unit: 's',
      advice: { explicitBucketBoundaries: [60, 120, 300, 600, 1800, 3600, 21600, 86400] },
    }),
    publishFailures: meter.createCounter('stageline.outbox.publish_failures', {
      description: 'Applications whose outbox could not be published in one attempt (it is retried).',
    }),
    oldestStranded: oldestStrandedGauge(meter),
  };
}

function oldestStrandedGauge(meter: Meter): ObservableGauge {
  const gauge = meter.createObservableGauge('stageline.outbox.oldest_stranded_age_seconds', {
    description: 'Age of the oldest outbox event the last sweep found stranded (0: none).',
    unit: 's',
  });
  gauge.addCallback((result) => {
    if (oldestStrandedSeconds !== undefined) result.observe(oldestStrandedSeconds);
  });
  return gauge;
}

export type PublishPath = 'change_feed' | 'sweeper';

export function countPublished(events: number, path: PublishPath): void {
  if (events > 0) outboxInstruments().published.add(events, { path });
}

export function countPublishFailure(path: PublishPath): void {
  outboxInstruments().publishFailures.add(1, { path });
}

/** One event's time from commit to publication. */
export function recordOutboxLag(seconds: number, path: PublishPath): void {
  outboxInstruments().lag.record(Math.max(0, seconds), { path });
}

export function recordStrandedAge(seconds: number): void {
  outboxInstruments().strandedAge.record(Math.max(0, seconds));
}

/** After each sweep: the age of the oldest stranded event it found (0 for none), for the gauge. */
export function recordSweep(oldestSeconds: number): void {
  outboxInstruments();
  oldestStrandedSeconds = Math.max(0, oldestSeconds);
}
