import { z } from 'zod';
import { CosmosDocuments, type CosmosAdapterOptions } from '../../platform/cosmos/cosmos-documents.ts';
import type { CallbackRun, CallbackRunStore } from '../ports/callback-run-store.port.ts';

export type CosmosCallbackRunStoreOptions = CosmosAdapterOptions;

/** One `callbackRuns` document: a `CallbackRun` under the id `callback|eventId`. */
const callbackRunDocumentSchema = z.object({
  id: z.string().min(1),
  tenantId: z.string().min(1),
  applicationId: z.string().min(1),
  eventId: z.string().min(1),
  callback: z.string().min(1),
  status: z.enum(['succeeded', 'failing', 'dead_lettered']),
  attempt: z.number().int(),
  lastError: z.string().optional(),
  updatedAt: z.string(),
});

type CallbackRunDocument = z.infer<typeof callbackRunDocumentSchema>;

/** The `callbackRuns` container (partition `[/tenantId, /applicationId]`; items expire with the container's TTL). */
export class CosmosCallbackRunStore implements CallbackRunStore {
  readonly #runs: CosmosDocuments<CallbackRunDocument>;

  constructor(options: CosmosCallbackRunStoreOptions) {
    this.#runs = new CosmosDocuments({ ...options, schema: callbackRunDocumentSchema, partitionKeyOf: (run) => [run.tenantId, run.applicationId] });
  }

  async succeeded(tenantId: string, applicationId: string, eventId: string, callbacks: readonly string[]): Promise<Set<string>> {
    const reads = await Promise.all(
      callbacks.map(async (callback) => {
        const stored = await this.#runs.read(runId(callback, eventId), [tenantId, applicationId]);
        return stored?.document.status === 'succeeded' ? callback : undefined;
      }),
    );
    return new Set(reads.filter((name): name is string => name !== undefined));
  }

  async record(run: CallbackRun): Promise<void> {
    await this.#runs.upsert({ id: runId(run.callback, run.eventId), ...run });
  }

  async forEvent(tenantId: string, applicationId: string, eventId: string): Promise<CallbackRun[]> {
    const found = await this.#runs.queryAll(
      { query: 'SELECT * FROM c WHERE c.eventId = @eventId', parameters: [{ name: '@eventId', value: eventId }] },
      { partitionKey: [tenantId, applicationId] },
    );
    return found.map(({ document: { id: _id, ...run } }) => run);
  }
}

function runId(callback: string, eventId: string): string {
  return `${callback}|${eventId}`;
}
