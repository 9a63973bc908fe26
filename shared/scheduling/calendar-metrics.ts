import type { Counter, Histogram, Meter, ObservableGauge } from '@opentelemetry/api';
import { meter } from '../platform/telemetry.ts';

/**
 * The calendar instruments (docs/observability.md, "Calendar (scheduling)"):
 * - `stageline.calendar.calls`: every request to Google Calendar or its OAuth endpoints, by
 *   operation and outcome (`success` or the failure kind);
 * - `stageline.calendar.latency`: how long each took, by operation (ms);
 * - `stageline.calendar.invalid_connections`: connections Google refused (last count seen);
 * - `stageline.calendar.notifications`: push notifications received, by outcome.
 */
interface CalendarInstruments {
  readonly calls: Counter;
  readonly latency: Histogram;
  readonly notifications: Counter;
  readonly invalidConnections: ObservableGauge;
}

let invalidConnections: number | undefined;
let cached: { readonly meter: Meter; readonly instruments: CalendarInstruments } | undefined;

/** Created on first use, after the host installed its meter provider, and again if it installs another. */
function instruments(): CalendarInstruments {
  const current = meter();
  if (cached?.meter !== current) cached = { meter: current, instruments: createInstruments(current) };
  return cached.instruments;
}

function createInstruments(meter: Meter): CalendarInstruments {
  const gauge = meter.createObservableGauge('stageline.calendar.invalid_connections', {
    description: 'Calendar connections in state invalid (Google refused the refresh token), as last counted.',
    unit: '{connection}',
  });
  gauge.addCallback((result) => {
    if (invalidConnections !== undefined) result.observe(invalidConnections);
  });
  return {
    calls: meter.createCounter('stageline.calendar.calls', {
      description: 'Requests to Google Calendar and its OAuth endpoints, by operation and outcome.',
      unit: '{request}',
    }),
    latency: meter.createHistogram('stageline.calendar.latency', {
      description: 'Duration of each request to Google Calendar and its OAuth endpoints.',
      unit: 'ms',
      advice: { explicitBucketBoundaries: [25, 50, 100, 250, 500, 1000, 2000, 4000, 8000] },
    }),
    notifications: meter.createCounter('stageline.calendar.notifications', {
      description: 'Push notifications received from Google Calendar, by outcome.',
      unit: '{notification}',
    }),
    invalidConnections: gauge,
  };
}

export function recordCalendarCall(operation: string, outcome: string, durationMs: number): void {
  const { calls, latency } = instruments();
  calls.add(1, { operation, outcome });
  latency.record(durationMs, { operation });
}

export type NotificationOutcome = 'queued' | 'sync_state' | 'unknown_channel' | 'stale_channel' | 'bad_token' | 'not_connected';

export function countNotification(outcome: NotificationOutcome): void {
  instruments().notifications.add(1, { outcome });
}

export function recordInvalidConnections(count: number): void {
  instruments();
  invalidConnections = count;
}
