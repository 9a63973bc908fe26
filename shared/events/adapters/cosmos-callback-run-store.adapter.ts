import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import { CosmosDocuments } from '../../platform/cosmos/cosmos-documents.ts';
import type { CosmosRequestMeter } from '../../platform/cosmos/cosmos-request-meter.ts';
import type { CallbackRun, CallbackRunStore } from '../ports/callback-run-store.port.ts';

export interface CosmosCallbackRunStoreOptions {
  readonly container: Container;
  readonly meter?: Pick<CosmosRequestMeter, 'record'>;
  readonly scope?: string;
}

/** One `callbackRuns` document: a `CallbackRun` under the id `callback|eventId`. */
const callbackRunDocumentSchema = z.object({
  id: z.string().min(1),
  applicationId: z.string().min(1),
  eventId: z.string().min(1),
  callback: z.string().min(1),
  status: z.enum(['succeeded', 'failing', 'dead_lettered']),
  attempt: z.number().int(),
  lastError: z.string().optional(),
  updatedAt: z.string(),
});

type CallbackRunDocument = z.infer<typeof callbackRunDocumentSchema>;

/** The `callbackRuns` container (partition `/applicationId`; items expire with the container's TTL). */
export class CosmosCallbackRunStore implements CallbackRunStore {
  readonly #runs: CosmosDocuments<CallbackRunDocument>;

  constructor(options: CosmosCallbackRunStoreOptions) {
    this.#runs = new CosmosDocuments({
      container: options.container,
      schema: callbackRunDocumentSchema,
      partitionKeyOf: (run) => run.applicationId,
      ...(options.meter === undefined ? {} : { meter: options.meter }),
      ...(options.scope === undefined ? {} : { scope: options.scope }),
    });
  }

  async succeeded(applicationId: string, eventId: string, callbacks: readonly string[]): Promise<Set<string>> {
    const reads = await Promise.all(
      callbacks.map(async (callback) => {
        const stored = await this.#runs.read(runId(callback, eventId), applicationId);
        return stored?.document.status === 'succeeded' ? callback : undefined;
      }),
    );
    return new Set(reads.filter((name): name is string => name !== undefined));
  }

  async record(run: CallbackRun): Promise<void> {
    await this.#runs.upsert({ id: runId(run.callback, run.eventId), ...run });
  }

  async forEvent(applicationId: string, eventId: string): Promise<CallbackRun[]> {
    const found = await this.#runs.queryAll(
      { query: 'SELECT * FROM c WHERE c.eventId = @eventId', parameters: [{ name: '@eventId', value: eventId }] },
      { partitionKey: applicationId },
    );
    return found.map(({ document: { id: _id, ...run } }) => run);
  }
}

function runId(callback: string, eventId: string): string {
  return `${callback}|${eventId}`;
}
