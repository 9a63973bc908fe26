import type { Container, SqlParameter } from '@azure/cosmos';
import { z } from 'zod';
import { CosmosDocuments } from '../../platform/cosmos/cosmos-documents.ts';
import type { CosmosRequestMeter } from '../../platform/cosmos/cosmos-request-meter.ts';
import type { DeadLetter } from '../domain/dead-letter.ts';
import { attemptRecordSchema, channels, deliveryMessageSchema } from '../domain/delivery.ts';
import type { DeadLetterLog, DeadLetterQuery, StoredDeadLetter } from '../ports/dead-letter-log.port.ts';

const deadLetterSchema = z.object({
  id: z.string().min(1),
  tenantId: z.string().min(1),
  deliveryId: z.string().min(1),
  eventId: z.string().min(1),
  event: z.string().min(1),
  channel: z.enum(channels),
  webhookId: z.string().optional(),
  reason: z.string(),
  attempts: z.array(attemptRecordSchema),
  deadLetteredAt: z.string(),
  status: z.enum(['dead_lettered', 'replayed']),
  replays: z.number().int().min(0),
  lastReplayedAt: z.string().optional(),
  message: deliveryMessageSchema,
});

/** The `deadLetters` container (partition `/tenantId`): one entry per failed delivery, kept until deleted. */
export class CosmosDeadLetterLog implements DeadLetterLog {
  readonly #documents: CosmosDocuments<DeadLetter>;

  constructor(options: { readonly container: Container; readonly meter?: Pick<CosmosRequestMeter, 'record'> }) {
    this.#documents = new CosmosDocuments<DeadLetter>({
      container: options.container,
      schema: deadLetterSchema as z.ZodType<DeadLetter>,
      partitionKeyOf: (entry) => entry.tenantId,
      meter: options.meter,
      scope: 'notifications',
    });
  }

  async get(tenantId: string, id: string): Promise<StoredDeadLetter | undefined> {
    const stored = await this.#documents.read(id, tenantId);
    return stored === undefined ? undefined : { entry: stored.document, etag: stored.etag };
  }

  async put(entry: DeadLetter): Promise<void> {
    await this.#documents.upsert(entry);
  }

  async replace(entry: DeadLetter, etag: string): Promise<StoredDeadLetter | 'conflict' | undefined> {
    const replaced = await this.#documents.replace(entry, etag);
    return replaced === 'conflict' || replaced === undefined ? replaced : { entry: replaced.document, etag: replaced.etag };
  }

  async list(tenantId: string, query: DeadLetterQuery): Promise<{ readonly items: readonly StoredDeadLetter[]; readonly continuationToken?: string }> {
    const filters = ['c.tenantId = @tenantId'];
    const parameters: SqlParameter[] = [{ name: '@tenantId', value: tenantId }];
    if (query.webhookId !== undefined) {
      filters.push('c.webhookId = @webhookId');
      parameters.push({ name: '@webhookId', value: query.webhookId });
    }
    if (query.since !== undefined) {
      filters.push('c.deadLetteredAt >= @since');
      parameters.push({ name: '@since', value: query.since });
    }
    if (query.status !== undefined) {
      filters.push('c.status = @status');
      parameters.push({ name: '@status', value: query.status });
    }
    const page = await this.#documents.queryPage(
      { query: `SELECT * FROM c WHERE ${filters.join(' AND ')} ORDER BY c.deadLetteredAt DESC`, parameters },
      { partitionKey: tenantId, maxItemCount: query.limit, ...(query.continuationToken === undefined ? {} : { continuationToken: query.continuationToken }) },
    );
    return {
      items: page.items.map((stored) => ({ entry: stored.document, etag: stored.etag })),
      ...(page.continuationToken === undefined ? {} : { continuationToken: page.continuationToken }),
    };
  }
}
