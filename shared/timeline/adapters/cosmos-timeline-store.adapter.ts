import type { Container } from '@azure/cosmos';
import { timelineEntryId, type TimelineEntry } from '../domain/timeline-entry.ts';
import type { TimelinePage, TimelinePageQuery, TimelineStore } from '../ports/timeline-store.port.ts';

/** Properties Cosmos DB adds to every item; they are not part of an entry (nor of its hash). */
const SYSTEM_PROPERTIES = ['_rid', '_self', '_etag', '_attachments', '_ts', '_lsn'] as const;

/**
 * The `timeline` container (partition `/applicationId`): creates and reads only. A create that
 * answers 409 means the id is taken: the entry is read back and returned as the stored one.
 */
export class CosmosTimelineStore implements TimelineStore {
  readonly #container: Container;

  constructor(container: Container) {
    this.#container = container;
  }

  async get(applicationId: string, seq: number): Promise<TimelineEntry | undefined> {
    const { resource } = await this.#container.item(timelineEntryId(applicationId, seq), applicationId).read<Record<string, unknown>>();
    return resource ? asEntry(resource) : undefined;
  }

  async appendIfAbsent(entry: TimelineEntry): Promise<{ created: boolean; entry: TimelineEntry }> {
    try {
      await this.#container.items.create(entry);
      return { created: true, entry };
    } catch (error) {
      if ((error as { code?: unknown }).code !== 409) throw error;
    }
    const stored = await this.get(entry.applicationId, entry.seq);
    if (!stored) throw new Error(`Timeline entry ${entry.id} was reported as existing but cannot be read.`);
    return { created: false, entry: stored };
  }

  async page(applicationId: string, query: TimelinePageQuery): Promise<TimelinePage> {
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
    const { resources } = await this.#container.items
      .query<Record<string, unknown>>(
        { query: `SELECT TOP @take * FROM c WHERE ${conditions.join(' AND ')} ORDER BY c.seq ASC`, parameters },
        { partitionKey: applicationId },
      )
      .fetchAll();
    return { items: resources.slice(0, query.limit).map(asEntry), hasMore: resources.length > query.limit };
  }

  async *all(applicationId: string): AsyncIterable<TimelineEntry> {
    const iterator = this.#container.items.query<Record<string, unknown>>(
      { query: 'SELECT * FROM c WHERE c.applicationId = @applicationId ORDER BY c.seq ASC', parameters: [{ name: '@applicationId', value: applicationId }] },
      { partitionKey: applicationId, maxItemCount: 200 },
    );
    while (iterator.hasMoreResults()) {
      const { resources } = await iterator.fetchNext();
      for (const resource of resources) yield asEntry(resource);
    }
  }
}

/** The stored item without the system properties, exactly as written otherwise (never re-shaped: verify hashes it). */
function asEntry(resource: Record<string, unknown>): TimelineEntry {
  const entry = { ...resource };
  for (const key of SYSTEM_PROPERTIES) delete entry[key];
  return entry as unknown as TimelineEntry;
}
