import { z } from 'zod';
import { CosmosDocuments, type CosmosAdapterOptions } from '../../platform/cosmos/cosmos-documents.ts';
import { timelineEntryId, type TimelineEntry } from '../domain/timeline-entry.ts';
import type { TimelinePage, TimelinePageQuery, TimelineStore } from '../ports/timeline-store.port.ts';

export type CosmosTimelineStoreOptions = CosmosAdapterOptions;

/*
 * An entry as stored. Only its frame is checked (what reading and chaining rely on), and every
 * field is kept exactly as written, unknown ones included: verification hashes the entry, so a
 * changed entry must reach it unchanged to be reported as broken, not be re-shaped into a valid one.
 */
const storedEntrySchema = z.looseObject({
  id: z.string(),
  applicationId: z.string(),
  seq: z.number().int(),
  tenantId: z.string(),
  prevHash: z.string(),
  hash: z.string(),
  recordedAt: z.string(),
  event: z.looseObject({ id: z.string(), seq: z.number().int(), applicationId: z.string() }),
}) as unknown as z.ZodType<TimelineEntry>;

/**
 * The `timeline` container (partition `/applicationId`): creates and reads only. A create that
 * answers 409 means the id is taken: the entry is read back and returned as the stored one.
 */
export class CosmosTimelineStore implements TimelineStore {
  readonly #entries: CosmosDocuments<TimelineEntry>;

  constructor(options: CosmosTimelineStoreOptions) {
    this.#entries = new CosmosDocuments({ ...options, schema: storedEntrySchema, partitionKeyOf: (entry) => [entry.tenantId, entry.applicationId] });
  }

  async get(tenantId: string, applicationId: string, seq: number): Promise<TimelineEntry | undefined> {
    return (await this.#entries.read(timelineEntryId(tenantId, applicationId, seq), [tenantId, applicationId]))?.document;
  }

  async appendIfAbsent(entry: TimelineEntry): Promise<{ created: boolean; entry: TimelineEntry }> {
    if ((await this.#entries.create(entry)) !== 'exists') return { created: true, entry };
    const stored = await this.get(entry.tenantId, entry.applicationId, entry.seq);
    if (!stored) throw new Error(`Timeline entry ${entry.id} was reported as existing but cannot be read.`);
    return { created: false, entry: stored };
  }

  async page(tenantId: string, applicationId: string, query: TimelinePageQuery): Promise<TimelinePage> {
    const conditions = ['c.applicationId = @applicationId', 'c.seq > @afterSeq'];
    const parameters: { name: string; value: string | number | string[] }[] = [
      { name: '@applicationId', value: applicationId },
      { name: '@afterSeq', value: query.afterSeq },
      { name: '@take', value: query.limit + 1 },
    ];
    if (query.candidateStageIds) {
      conditions.push('c.event.visibleToCandidate = true', "c.event.kind != 'stage.feedback_submitted'", 'ARRAY_CONTAINS(@stageIds, c.event.stageId)');
      parameters.push({ name: '@stageIds', value: [...query.candidateStageIds] });
    }
    const found = await this.#entries.queryAll(
      { query: `SELECT TOP @take * FROM c WHERE ${conditions.join(' AND ')} ORDER BY c.seq ASC`, parameters },
      { partitionKey: [tenantId, applicationId] },
    );
    return { items: found.slice(0, query.limit).map((stored) => stored.document), hasMore: found.length > query.limit };
  }

  async *all(tenantId: string, applicationId: string): AsyncIterable<TimelineEntry> {
    const entries = this.#entries.queryEach(
      { query: 'SELECT * FROM c WHERE c.applicationId = @applicationId ORDER BY c.seq ASC', parameters: [{ name: '@applicationId', value: applicationId }] },
      { partitionKey: [tenantId, applicationId], maxItemCount: 200 },
    );
    for await (const stored of entries) yield stored.document;
  }
}
