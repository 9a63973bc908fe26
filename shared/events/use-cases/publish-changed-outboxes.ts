import { z } from 'zod';
import { UnreadableDocumentError } from '../../platform/cosmos/cosmos-failure.ts';
import { reportUnreadable } from '../../platform/cosmos/unreadable-documents.ts';
import { outboxEventSchema } from '../../stages/domain/application.schema.ts';
import type { StrandedOutboxes } from '../ports/stranded-outboxes.port.ts';
import { countPublished, countPublishFailure } from './outbox-metrics.ts';
import { publishOutbox, type OutboxSnapshot, type PublishOutboxDeps } from './publish-outbox.ts';

/**
 * The identity and the outbox; a document without one has nothing to publish. And what the
 * notification facts come from (`notification-facts.ts`), when the document has it in that shape.
 */
const feedDocumentSchema = z.object({
  id: z.string().min(1),
  tenantId: z.string().min(1),
  outbox: z.array(outboxEventSchema).default([]),
  jobId: z.string().min(1).optional().catch(undefined),
  candidateId: z.string().min(1).optional().catch(undefined),
  recruiterIds: z.array(z.string().min(1)).optional().catch(undefined),
  stages: z
    .array(z.object({ id: z.string().min(1), type: z.string().min(1), title: z.string().min(1), visibleToCandidate: z.boolean(), data: z.record(z.string(), z.unknown()) }))
    .optional()
    .catch(undefined),
});

export interface ChangedOutboxesDeps extends PublishOutboxDeps {
  readonly stranded: StrandedOutboxes;
}

export interface ChangedOutboxesOutcome {
  readonly published: number;
  /** Applications whose publish failed: recorded in the stranded index for the sweeper. */
  readonly stranded: readonly { readonly tenantId: string; readonly id: string; readonly reason: string }[];
  /**
   * Documents that cannot be read as applications: retrying cannot help, so each is reported
   * (metric, log) and dead-lettered in the stranded index when it names its tenant.
   */
  readonly unreadable: readonly { readonly id: string; readonly reason: string }[];
}

/** Documents published at once within one change-feed batch (different applications are independent). */
const CONCURRENCY = 8;

/**
 * One change-feed batch of `applications`: publishes every document with a non-empty outbox.
 * Each application stands alone: one whose publish fails is recorded in the stranded index and
 * the batch goes on (the sweeper retries it), so one bad application never holds up the others.
 * Only when a failure cannot even be recorded does the batch throw, and the trigger's retry
 * policy runs it again (what was already published is absorbed as duplicates).
 */
export async function publishChangedOutboxes(deps: ChangedOutboxesDeps, documents: readonly unknown[]): Promise<ChangedOutboxesOutcome> {
  const pending: OutboxSnapshot[] = [];
  const unreadable: { id: string; reason: string }[] = [];
  const unrecorded: unknown[] = [];
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
      const tenantId = tenantOf(document);
      if (tenantId !== undefined && id !== '(no id)') await deps.stranded.deadLetter(tenantId, id, `unreadable: ${reason}`, deps.clock.now()).catch((error: unknown) => unrecorded.push(error));
    }
  }

  let published = 0;
  const stranded: { tenantId: string; id: string; reason: string }[] = [];
  for (let start = 0; start < pending.length; start += CONCURRENCY) {
    const chunk = pending.slice(start, start + CONCURRENCY);
    const results = await Promise.allSettled(chunk.map((snapshot) => publishOutbox(deps, snapshot)));
    for (const [index, result] of results.entries()) {
      if (result.status === 'fulfilled') {
        published += result.value.published;
        countPublished(result.value.published, 'change_feed');
        continue;
      }
      const snapshot = chunk[index]!;
      const reason = result.reason instanceof Error ? result.reason.message : String(result.reason);
      countPublishFailure('change_feed');
      try {
        await deps.stranded.record(snapshot.tenantId, snapshot.id, reason, deps.clock.now());
        stranded.push({ tenantId: snapshot.tenantId, id: snapshot.id, reason });
      } catch (error) {
        unrecorded.push(error);
      }
    }
  }
  if (unrecorded.length > 0) {
    throw new AggregateError(unrecorded, `${unrecorded.length} outbox(es) could neither be published nor recorded as stranded; the batch will be retried.`);
  }
  return { published, stranded, unreadable };
}

function tenantOf(document: unknown): string | undefined {
  const tenantId = typeof document === 'object' && document !== null ? (document as { tenantId?: unknown }).tenantId : undefined;
  return typeof tenantId === 'string' && tenantId !== '' ? tenantId : undefined;
}

function idOf(document: unknown): string {
  const id = typeof document === 'object' && document !== null ? (document as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : '(no id)';
}
