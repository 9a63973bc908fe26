import type { Counter, Meter } from '@opentelemetry/api';
import { meter } from '../../platform/telemetry.ts';

/** `succeeded`, `failed` (threw), `timed_out`, `dead_lettered` (failed on the last delivery), `skipped` (succeeded on an earlier delivery). */
export type CallbackOutcome = 'succeeded' | 'failed' | 'timed_out' | 'dead_lettered' | 'skipped';

let cached: { readonly meter: Meter; readonly outcomes: Counter } | undefined;

/** Counts one attempt's outcome (`stageline.callbacks.outcomes{callback, outcome}`). */
export function countCallbackOutcome(callback: string, outcome: CallbackOutcome): void {
  const current = meter();
  if (cached?.meter !== current) {
    cached = {
      meter: current,
      outcomes: current.createCounter('stageline.callbacks.outcomes', { description: 'Post-transition callback attempts by callback and outcome.' }),
    };
  }
  cached.outcomes.add(1, { callback, outcome });
}
