import type { Counter, Histogram, Meter, ObservableGauge } from '@opentelemetry/api';
import { meter } from '../../platform/telemetry.ts';
import type { Channel } from '../domain/delivery.ts';

interface NotificationInstruments {
  readonly deliveries: Counter;
  readonly deadLetters: Counter;
  readonly duration: Histogram;
  readonly unreadable: Counter;
  readonly backlog: ObservableGauge;
}

export type DeliveryOutcome = 'delivered' | 'retried' | 'dead_lettered' | 'dropped';

/** Where the retry backlog gauge reads from (the module installs it). */
let backlogSource: (() => Promise<number>) | undefined;

let cached: { readonly meter: Meter; readonly instruments: NotificationInstruments } | undefined;

/** Created on first use after the host installed its meter provider, again after it installs another. */
function instruments(): NotificationInstruments {
  const current = meter();
  if (cached?.meter !== current) cached = { meter: current, instruments: create(current) };
  return cached.instruments;
}

function create(meter: Meter): NotificationInstruments {
  const backlog = meter.createObservableGauge('stageline.notifications.retry_backlog', {
    description: 'Deliveries waiting as scheduled messages on the deliveries queue (retries and Google Chat rate-limit waits).',
    unit: '{delivery}',
  });
  backlog.addCallback(async (result) => {
    if (backlogSource === undefined) return;
    try {
      result.observe(await backlogSource());
    } catch {
      // The queue could not be asked this time; the next collection tries again.
    }
  });
  return {
    deliveries: meter.createCounter('stageline.notifications.deliveries', {
      description: 'Delivery attempts by channel and outcome (delivered, retried, dead_lettered, dropped): success % = delivered / (delivered + dead_lettered).',
      unit: '{delivery}',
    }),
    deadLetters: meter.createCounter('stageline.notifications.dead_letters', {
      description: 'Deliveries written to the dead-letter log, and queue messages left to the dead-letter sub-queue (reason unreadable).',
      unit: '{delivery}',
    }),
    duration: meter.createHistogram('stageline.notifications.delivery_duration', {
      description: 'Time of one delivery attempt (HTTP exchange up to the response headers, or the inbox write).',
      unit: 'ms',
      advice: { explicitBucketBoundaries: [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] },
    }),
    unreadable: meter.createCounter('stageline.notifications.unreadable_messages', {
      description: 'Queue messages the consumer could not parse (each delivery of one); left to Service Bus dead-lettering.',
      unit: '{message}',
    }),
    backlog,
  };
}

export function installBacklogSource(source: () => Promise<number>): void {
  backlogSource = source;
  instruments();
}

/** Makes sure the instruments (the backlog gauge among them) exist on the current meter provider. */
export function ensureInstruments(): void {
  instruments();
}

export function recordAttempt(channel: Channel, outcome: DeliveryOutcome, durationMs: number | undefined): void {
  const { deliveries, duration } = instruments();
  deliveries.add(1, { channel, outcome });
  if (durationMs !== undefined) duration.record(durationMs, { channel, outcome });
}

export function countDeadLetter(channel: Channel | 'queue', reason: string): void {
  instruments().deadLetters.add(1, { channel, reason });
}

export function countUnreadable(queue: string, lastDelivery: boolean): void {
  instruments().unreadable.add(1, { queue });
  if (lastDelivery) countDeadLetter('queue', 'unreadable');
}
