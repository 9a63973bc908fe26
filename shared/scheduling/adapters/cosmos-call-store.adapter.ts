import { CosmosDocuments, type StoredDocument } from '../../platform/cosmos/cosmos-documents.ts';
import { scheduledCallSchema, type ScheduledCall } from '../domain/scheduled-call.ts';
import type { CallStore } from '../ports/scheduling-stores.port.ts';
import type { CosmosStoreOptions } from './cosmos-slot-store.adapter.ts';

/** The `scheduledCalls` container (partition `[/tenantId, /applicationId]`). */
export class CosmosCallStore implements CallStore {
  readonly #calls: CosmosDocuments<ScheduledCall>;

  constructor(options: CosmosStoreOptions) {
    this.#calls = new CosmosDocuments<ScheduledCall>({
      container: options.container,
      schema: scheduledCallSchema,
      partitionKeyOf: (call) => [call.tenantId, call.applicationId],
      ...(options.meter === undefined ? {} : { meter: options.meter, scope: 'scheduling' }),
    });
  }

  async get(tenantId: string, applicationId: string, callId: string): Promise<StoredDocument<ScheduledCall> | undefined> {
    return this.#calls.read(callId, [tenantId, applicationId]);
  }

  create(call: ScheduledCall): Promise<StoredDocument<ScheduledCall> | 'exists'> {
    return this.#calls.create(call);
  }

  replace(call: ScheduledCall, etag: string): Promise<StoredDocument<ScheduledCall> | 'conflict' | undefined> {
    return this.#calls.replace(call, etag);
  }

  async unsettled(before: string): Promise<StoredDocument<ScheduledCall>[]> {
    const [pending, moving] = await Promise.all([
      this.#calls.queryAll({
        query: "SELECT * FROM c WHERE c.kind = 'call' AND c.status = 'pending' AND c.updatedAt <= @before",
        parameters: [{ name: '@before', value: before }],
      }),
      this.#calls.queryAll({
        query: "SELECT * FROM c WHERE c.kind = 'call' AND IS_DEFINED(c.pendingMove) AND c.pendingMove.since <= @before",
        parameters: [{ name: '@before', value: before }],
      }),
    ]);
    const seen = new Set(pending.map((stored) => stored.document.id));
    return [...pending, ...moving.filter((stored) => !seen.has(stored.document.id))];
  }

  endedScheduled(tenantId: string, recruiterId: string, before: string): Promise<StoredDocument<ScheduledCall>[]> {
    return this.#calls.queryAll(
      {
        query: "SELECT * FROM c WHERE c.kind = 'call' AND c.status = 'scheduled' AND c.recruiterId = @recruiterId AND c['end'] <= @before",
        parameters: [
          { name: '@recruiterId', value: recruiterId },
          { name: '@before', value: before },
        ],
      },
      // The tenant's partitions only (the key's first level).
      { partitionKey: [tenantId] },
    );
  }
}
