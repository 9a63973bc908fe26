import { UnreadableDocumentError } from '../../platform/cosmos/cosmos-failure.ts';
import type { ApplicationRepository } from '../../stages/ports/application-repository.port.ts';
import type { StrandedOutboxes } from '../ports/stranded-outboxes.port.ts';
import { countPublished, countPublishFailure, recordStrandedAge, recordSweep } from './outbox-metrics.ts';
import { publishOutbox, type PublishOutboxDeps } from './publish-outbox.ts';

export interface SweepDeps extends PublishOutboxDeps {
  readonly applications: ApplicationRepository;
  readonly stranded: StrandedOutboxes;
}

export interface SweepOptions {
  /** Stranded applications per sweep (the rest wait for the next one). */
  readonly limit?: number;
}

export interface SweepOutcome {
  /** Applications found in the stranded index. */
  readonly applications: number;
  /** Age in seconds of the oldest stranded entry (0 when none). */
  readonly oldestAgeSeconds: number;
  /** Events republished by this sweep. */
  readonly republished: number;
  /** Applications whose republish failed, with the reason (left for the next sweep). */
  readonly failures: readonly { readonly applicationId: string; readonly reason: string }[];
}

/**
 * The safety net behind the change-feed publisher: every application whose publish failed was
 * recorded in the stranded index, and each sweep republishes those from their stored document
 * (duplicates are absorbed downstream), clears the entries it published, and records each
 * entry's age. A sweep reads the index and nothing else unless something is stranded.
 */
export async function sweepStrandedOutboxes(deps: SweepDeps, options: SweepOptions = {}): Promise<SweepOutcome> {
  const now = Date.parse(deps.clock.now());
  const entries = await deps.stranded.list(options.limit ?? 100);
  let oldestAgeSeconds = 0;
  let republished = 0;
  const failures: { applicationId: string; reason: string }[] = [];
  for (const stored of entries) {
    const { tenantId, applicationId, since } = stored.entry;
    const age = Math.max(0, (now - Date.parse(since)) / 1000);
    oldestAgeSeconds = Math.max(oldestAgeSeconds, age);
    recordStrandedAge(age);
    try {
      const application = await deps.applications.get(tenantId, applicationId);
      if (application !== undefined) {
        const outcome = await publishOutbox(deps, application.document, 'sweeper');
        republished += outcome.published;
        countPublished(outcome.published, 'sweeper');
      }
      await deps.stranded.clear(stored);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      failures.push({ applicationId, reason });
      countPublishFailure('sweeper');
      // A document that cannot be read will not be read next minute either: park it for an operator.
      const park = error instanceof UnreadableDocumentError ? deps.stranded.deadLetter.bind(deps.stranded) : deps.stranded.record.bind(deps.stranded);
      await park(tenantId, applicationId, reason, deps.clock.now()).catch(() => undefined);
    }
  }
  recordSweep(oldestAgeSeconds);
  return { applications: entries.length, oldestAgeSeconds, republished, failures };
}
