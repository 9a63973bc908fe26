import type { Container } from '@azure/cosmos';
import type { StageSlaRecord } from '../domain/stage-sla.ts';
import type { StageSlaStore, StoredStageSla } from '../ports/stage-sla-store.port.ts';

const SYSTEM_PROPERTIES = ['_rid', '_self', '_etag', '_attachments', '_ts'] as const;

/** The `stageSla` container (partition `/applicationId`, id = stage id). */
export class CosmosStageSlaStore implements StageSlaStore {
  readonly #container: Container;

  constructor(container: Container) {
    this.#container = container;
  }

  async get(applicationId: string, stageId: string): Promise<StoredStageSla | undefined> {
    const { resource } = await this.#container.item(stageId, applicationId).read<Record<string, unknown>>();
    if (!resource) return undefined;
    return { record: strip(resource), etag: String(resource['_etag']) };
  }

  async save(record: StageSlaRecord, etag: string | undefined): Promise<'saved' | 'conflict'> {
    try {
      if (etag === undefined) await this.#container.items.create(record);
      else await this.#container.item(record.id, record.applicationId).replace(record, { accessCondition: { type: 'IfMatch', condition: etag } });
      return 'saved';
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 409 || code === 412) return 'conflict';
      throw error;
    }
  }

  async forApplication(applicationId: string): Promise<StageSlaRecord[]> {
    const { resources } = await this.#container.items
      .query<Record<string, unknown>>(
        { query: 'SELECT * FROM c WHERE c.applicationId = @applicationId', parameters: [{ name: '@applicationId', value: applicationId }] },
        { partitionKey: applicationId },
      )
      .fetchAll();
    return resources.map(strip);
  }
}

function strip(resource: Record<string, unknown>): StageSlaRecord {
  const record = { ...resource };
  for (const key of SYSTEM_PROPERTIES) delete record[key];
  return record as unknown as StageSlaRecord;
}
