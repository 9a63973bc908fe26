import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import { CosmosDocuments } from '../../platform/cosmos/cosmos-documents.ts';
import type { CosmosRequestMeter } from '../../platform/cosmos/cosmos-request-meter.ts';
import type { StageSlaRecord } from '../domain/stage-sla.ts';
import type { StageSlaStore, StoredStageSla } from '../ports/stage-sla-store.port.ts';

export interface CosmosStageSlaStoreOptions {
  readonly container: Container;
  readonly meter?: Pick<CosmosRequestMeter, 'record'>;
  readonly scope?: string;
}

const side = z.enum(['candidate', 'recruiter']);

/** One `stageSla` document: a `StageSlaRecord` as `observeStageEvent` builds it. */
const stageSlaRecordSchema = z.object({
  id: z.string().min(1),
  applicationId: z.string().min(1),
  tenantId: z.string().min(1),
  stageId: z.string().min(1),
  stageType: z.string(),
  stageStatus: z.string(),
  observations: z.array(z.object({ seq: z.number().int(), at: z.string(), stageStatus: z.string(), actionableBy: side.nullable() })),
  periods: z.array(z.object({ waitingOn: side, from: z.string(), to: z.string(), ms: z.number() })),
  waitedMs: z.object({ candidate: z.number(), recruiter: z.number() }),
  waitingOn: z.object({ side, since: z.string() }).nullable(),
  updatedAt: z.string(),
}) satisfies z.ZodType<StageSlaRecord>;

/** The `stageSla` container (partition `[/tenantId, /applicationId]`, id = stage id). */
export class CosmosStageSlaStore implements StageSlaStore {
  readonly #records: CosmosDocuments<StageSlaRecord>;

  constructor(options: CosmosStageSlaStoreOptions) {
    this.#records = new CosmosDocuments<StageSlaRecord>({
      container: options.container,
      schema: stageSlaRecordSchema,
      partitionKeyOf: (record) => [record.tenantId, record.applicationId],
      meter: options.meter,
      scope: options.scope,
    });
  }

  async get(tenantId: string, applicationId: string, stageId: string): Promise<StoredStageSla | undefined> {
    const stored = await this.#records.read(stageId, [tenantId, applicationId]);
    return stored === undefined ? undefined : { record: stored.document, etag: stored.etag };
  }

  /** A create that finds the id taken, or a replace whose record changed or went away, is a `'conflict'`: read again. */
  async save(record: StageSlaRecord, etag: string | undefined): Promise<StoredStageSla | 'conflict'> {
    const saved = etag === undefined ? await this.#records.create(record) : await this.#records.replace(record, etag);
    return saved === 'exists' || saved === 'conflict' || saved === undefined ? 'conflict' : { record, etag: saved.etag };
  }

  async forApplication(tenantId: string, applicationId: string): Promise<StageSlaRecord[]> {
    const found = await this.#records.queryAll(
      { query: 'SELECT * FROM c WHERE c.applicationId = @applicationId', parameters: [{ name: '@applicationId', value: applicationId }] },
      { partitionKey: [tenantId, applicationId] },
    );
    return found.map((stored) => stored.document);
  }
}
