import type { Container } from '@azure/cosmos';
import type { CallbackRun, CallbackRunStore } from '../ports/callback-run-store.port.ts';

interface CallbackRunDocument extends CallbackRun {
  readonly id: string;
}

/** The `callbackRuns` container (partition `/applicationId`; items expire with the container's TTL). */
export class CosmosCallbackRunStore implements CallbackRunStore {
  readonly #container: Container;

  constructor(container: Container) {
    this.#container = container;
  }

  async succeeded(applicationId: string, eventId: string, callbacks: readonly string[]): Promise<Set<string>> {
    const reads = await Promise.all(
      callbacks.map(async (callback) => {
        const { resource } = await this.#container.item(runId(callback, eventId), applicationId).read<CallbackRunDocument>();
        return resource?.status === 'succeeded' ? callback : undefined;
      }),
    );
    return new Set(reads.filter((name): name is string => name !== undefined));
  }

  async record(run: CallbackRun): Promise<void> {
    const document: CallbackRunDocument = { id: runId(run.callback, run.eventId), ...run };
    await this.#container.items.upsert(document);
  }

  async forEvent(applicationId: string, eventId: string): Promise<CallbackRun[]> {
    const { resources } = await this.#container.items
      .query<CallbackRunDocument>(
        { query: 'SELECT * FROM c WHERE c.eventId = @eventId', parameters: [{ name: '@eventId', value: eventId }] },
        { partitionKey: applicationId },
      )
      .fetchAll();
    return resources.map(({ applicationId: app, eventId: event, callback, status, attempt, lastError, updatedAt }) => ({
      applicationId: app, eventId: event, callback, status, attempt, updatedAt, ...(lastError === undefined ? {} : { lastError }),
    }));
  }
}

function runId(callback: string, eventId: string): string {
  return `${callback}|${eventId}`;
}
