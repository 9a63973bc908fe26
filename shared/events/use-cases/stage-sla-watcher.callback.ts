import { LRUCache } from 'lru-cache';
import { systemClock, type Clock } from '../../platform/clock.ts';
import type { PostTransitionCallback } from '../domain/callback-registry.ts';
import { observeStageEvent } from '../domain/stage-sla.ts';
import type { StageSlaStore, StoredStageSla } from '../ports/stage-sla-store.port.ts';

const MAX_RACES = 10;
const REMEMBERED_STAGES = 50_000;

/**
 * The stage-SLA watcher: for every stage event, records in `stageSla` how long the stage has
 * waited on the candidate and on the recruiter side (from `actionableBy` after each event).
 * Idempotent and order-independent (see `observeStageEvent`); concurrent deliveries for one
 * stage are serialised by a conditional replace.
 *
 * It remembers the record it last saved for each stage (with its etag) and replaces from there
 * without reading it first: the next event of a stage usually reaches the same instance. When
 * another instance wrote in between, the replace is refused and the record is read again.
 */
export function stageSlaWatcher(store: StageSlaStore, clock: Clock = systemClock): PostTransitionCallback {
  const remembered = new LRUCache<string, StoredStageSla>({ max: REMEMBERED_STAGES });
  return {
    name: 'stage-sla-watcher',
    timeoutMs: 10_000,
    async handle(event, context) {
      const key = JSON.stringify([event.tenantId, event.applicationId, event.stageId]);
      let stored = remembered.get(key) ?? (await store.get(event.tenantId, event.applicationId, event.stageId));
      for (let race = 0; race < MAX_RACES && !context.signal.aborted; race += 1) {
        const next = observeStageEvent(stored?.record, event, clock.now());
        if (stored && next === stored.record) return;
        const saved = await store.save(next, stored?.etag);
        if (saved !== 'conflict') {
          remembered.set(key, saved);
          return;
        }
        remembered.delete(key);
        stored = await store.get(event.tenantId, event.applicationId, event.stageId);
      }
      throw new Error(`stage ${event.stageId}: the SLA record kept changing underneath; retrying later`);
    },
  };
}
