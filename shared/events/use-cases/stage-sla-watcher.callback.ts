import { systemClock, type Clock } from '../../platform/clock.ts';
import type { PostTransitionCallback } from '../domain/callback-registry.ts';
import { observeStageEvent } from '../domain/stage-sla.ts';
import type { StageSlaStore } from '../ports/stage-sla-store.port.ts';

const MAX_RACES = 10;

/**
 * The stage-SLA watcher: for every stage event, records in `stageSla` how long the stage has
 * waited on the candidate and on the recruiter side (from `actionableBy` after each event).
 * Idempotent and order-independent (see `observeStageEvent`); concurrent deliveries for one
 * stage are serialised by a conditional replace.
 */
export function stageSlaWatcher(store: StageSlaStore, clock: Clock = systemClock): PostTransitionCallback {
  return {
    name: 'stage-sla-watcher',
    timeoutMs: 10_000,
    async handle(event, context) {
      for (let race = 0; race < MAX_RACES && !context.signal.aborted; race += 1) {
        const stored = await store.get(event.tenantId, event.applicationId, event.stageId);
        const next = observeStageEvent(stored?.record, event, clock.now());
        if (stored && next === stored.record) return;
        if ((await store.save(next, stored?.etag)) === 'saved') return;
      }
      throw new Error(`stage ${event.stageId}: the SLA record kept changing underneath; retrying later`);
    },
  };
}
