import { z } from 'zod';
import { CosmosDocuments, type CosmosAdapterOptions } from '../../platform/cosmos/cosmos-documents.ts';
import type { StoredStrandedOutbox, StrandedOutbox, StrandedOutboxes } from '../ports/stranded-outboxes.port.ts';

const entrySchema = z.object({
  id: z.string().min(1),
  tenantId: z.string().min(1),
  applicationId: z.string().min(1),
  since: z.string().min(1),
  attempts: z.number().int().min(1),
  lastError: z.string(),
  deadLettered: z.literal(true).optional(),
});
type EntryDocument = z.infer<typeof entrySchema>;

export type CosmosStrandedOutboxesOptions = CosmosAdapterOptions;

/** The `strandedOutboxes` container (partition `/tenantId`, id `tenant:application`): small, usually empty. */
export class CosmosStrandedOutboxes implements StrandedOutboxes {
  readonly #entries: CosmosDocuments<EntryDocument>;

  constructor(options: CosmosStrandedOutboxesOptions) {
    this.#entries = new CosmosDocuments({ ...options, schema: entrySchema, partitionKeyOf: (entry) => entry.tenantId });
  }

  record(tenantId: string, applicationId: string, error: string, at: string): Promise<void> {
    return this.#write(tenantId, applicationId, error, at, false);
  }

  deadLetter(tenantId: string, applicationId: string, error: string, at: string): Promise<void> {
    return this.#write(tenantId, applicationId, error, at, true);
  }

  async list(limit: number): Promise<readonly StoredStrandedOutbox[]> {
    const page = await this.#entries.queryPage({ query: 'SELECT * FROM c WHERE NOT IS_DEFINED(c.deadLettered) ORDER BY c.since' }, { maxItemCount: limit });
    return page.items.slice(0, limit).map(({ document, etag }) => ({ entry: strip(document), etag }));
  }

  async clear(stored: StoredStrandedOutbox): Promise<void> {
    await this.#entries.delete(`${stored.entry.tenantId}:${stored.entry.applicationId}`, stored.entry.tenantId, stored.etag);
  }

  /** Creates the entry or counts one more failure on it (conditional replace; a dead-letter flag, once set, stays). */
  async #write(tenantId: string, applicationId: string, error: string, at: string, deadLettered: boolean): Promise<void> {
    const id = `${tenantId}:${applicationId}`;
    const lastError = error.slice(0, 2000);
    const flag = deadLettered ? { deadLettered: true as const } : {};
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const stored = await this.#entries.read(id, tenantId);
      if (stored === undefined) {
        if ((await this.#entries.create({ id, tenantId, applicationId, since: at, attempts: 1, lastError, ...flag })) !== 'exists') return;
        continue;
      }
      const next = { ...stored.document, attempts: stored.document.attempts + 1, lastError, ...flag };
      if ((await this.#entries.replace(next, stored.etag)) !== 'conflict') return;
    }
    throw new Error(`Could not record the stranded outbox of ${tenantId}/${applicationId}: the record kept changing.`);
  }
}

function strip({ tenantId, applicationId, since, attempts, lastError, deadLettered }: EntryDocument): StrandedOutbox {
  return { tenantId, applicationId, since, attempts, lastError, ...(deadLettered ? { deadLettered } : {}) };
}
