import { countPublished, countPublishFailure, recordStrandedAge, recordSweep } from './outbox-metrics.ts';
import { publishOutbox, type PublishOutboxDeps } from './publish-outbox.ts';

export interface SweepOptions {
  /** Events committed at least this long ago count as stranded (a minute by default). */
  readonly strandedAfterMs?: number;
  /** Applications per sweep (the rest wait for the next one). */
  readonly limit?: number;
}

export interface SweepOutcome {
  /** Applications found with stranded events. */
  readonly applications: number;
  /** Events found stranded. */
  readonly strandedEvents: number;
  /** Age in seconds of the oldest stranded event (0 when none). */
  readonly oldestAgeSeconds: number;
  /** Events republished and trimmed by this sweep. */
  readonly republished: number;
  /** Applications whose republish failed, with the reason (left for the next sweep). */
  readonly failures: readonly { readonly applicationId: string; readonly reason: string }[];
}

/**
 * The safety net behind the change-feed publisher: the Cosmos DB trigger can give up on a batch,
 * and the change feed skips intermediate versions, so an outbox can hold events until the
 * document changes again. Every run republishes outboxes holding events older than a minute
 * (duplicates are absorbed downstream) and records each stranded event's age.
 */
export async function sweepStrandedOutboxes(deps: PublishOutboxDeps, options: SweepOptions = {}): Promise<SweepOutcome> {
  const now = Date.parse(deps.clock.now());
  const cutoff = now - (options.strandedAfterMs ?? 60_000);
  const stranded = await deps.applications.withStrandedOutbox(new Date(cutoff).toISOString(), options.limit ?? 100);
  let strandedEvents = 0;
  let oldestAgeSeconds = 0;
  let republished = 0;
  const failures: { applicationId: string; reason: string }[] = [];
  for (const { document } of stranded) {
    for (const event of document.outbox) {
      const committedAt = Date.parse(event.timestamp);
      if (committedAt > cutoff) continue;
      const age = (now - committedAt) / 1000;
      strandedEvents += 1;
      oldestAgeSeconds = Math.max(oldestAgeSeconds, age);
      recordStrandedAge(age);
    }
    try {
      const outcome = await publishOutbox(deps, document);
      republished += outcome.published;
      countPublished(outcome.published, 'sweeper');
    } catch (error) {
      failures.push({ applicationId: document.id, reason: error instanceof Error ? error.message : String(error) });
      countPublishFailure('sweeper');
    }
  }
  recordSweep(oldestAgeSeconds);
  return { applications: stranded.length, strandedEvents, oldestAgeSeconds, republished, failures };
}
