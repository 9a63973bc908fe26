import { z } from 'zod';
import { outboxEventSchema } from '../../stages/domain/application.schema.ts';
import { UnreadableDocumentError } from '../../platform/cosmos/cosmos-failure.ts';
import { reportUnreadable } from '../../platform/cosmos/unreadable-documents.ts';
import { countPublished, countPublishFailure } from './outbox-metrics.ts';
import { publishOutbox, type OutboxSnapshot, type PublishOutboxDeps } from './publish-outbox.ts';

/** Only the outbox matters here; a document without one has nothing to publish. */
const feedDocumentSchema = z.object({ id: z.string().min(1), outbox: z.array(outboxEventSchema).default([]) });

export interface ChangedOutboxesOutcome {
  readonly published: number;
  /** Documents that cannot be read as applications: retrying cannot help, so they are reported, not retried. */
  readonly unreadable: readonly { readonly id: string; readonly reason: string }[];
}

/** Documents published at once within one change-feed batch (different applications are independent). */
const CONCURRENCY = 8;

/**
 * One change-feed batch of `applications`: publishes every document with a non-empty outbox.
 * Throws when any publish failed, after the others ran, so the trigger's retry policy runs the
 * batch again (what was already published is absorbed as duplicates); the sweeper is the net if
 * the retries run out.
 */
export async function publishChangedOutboxes(deps: PublishOutboxDeps, documents: readonly unknown[]): Promise<ChangedOutboxesOutcome> {
  const pending: OutboxSnapshot[] = [];
  const unreadable: { id: string; reason: string }[] = [];
  for (const document of documents) {
    const parsed = feedDocumentSchema.safeParse(document);
    if (parsed.success) {
      // The schema reads statuses as strings; the aggregate wrote them from its own status lists.
      if (parsed.data.outbox.length > 0) pending.push(parsed.data as OutboxSnapshot);
    } else {
      const id = idOf(document);
      const reason = z.prettifyError(parsed.error);
      unreadable.push({ id, reason });
      reportUnreadable(new UnreadableDocumentError('applications', id, [reason]), 'outbox-publisher');
    }
  }

  let published = 0;
  const failures: unknown[] = [];
  for (let start = 0; start < pending.length; start += CONCURRENCY) {
    const results = await Promise.allSettled(pending.slice(start, start + CONCURRENCY).map((snapshot) => publishOutbox(deps, snapshot)));
    for (const result of results) {
      if (result.status === 'fulfilled') {
        published += result.value.published;
        countPublished(result.value.published, 'change_feed');
      } else {
        failures.push(result.reason);
        countPublishFailure('change_feed');
      }
    }
  }
  if (failures.length > 0) {
    throw new AggregateError(failures, `Publishing failed for ${failures.length} of ${pending.length} outbox(es); the batch will be retried.`);
  }
  return { published, unreadable };
}

function idOf(document: unknown): string {
  const id = typeof document === 'object' && document !== null ? (document as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : '(no id)';
}
