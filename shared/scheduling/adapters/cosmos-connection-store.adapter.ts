import { CosmosDocuments, type StoredDocument } from '../../platform/cosmos/cosmos-documents.ts';
import { calendarConnectionSchema, connectionIdFor, type CalendarConnection, type ConnectionState } from '../domain/calendar-connection.ts';
import type { ConnectionStore } from '../ports/scheduling-stores.port.ts';
import type { CosmosStoreOptions } from './cosmos-slot-store.adapter.ts';

/** The `calendarConnections` container (partition `[/tenantId, /recruiterId]`, id from tenant + recruiter). */
export class CosmosConnectionStore implements ConnectionStore {
  readonly #connections: CosmosDocuments<CalendarConnection>;

  constructor(options: CosmosStoreOptions) {
    this.#connections = new CosmosDocuments<CalendarConnection>({
      container: options.container,
      schema: calendarConnectionSchema,
      partitionKeyOf: (connection) => [connection.tenantId, connection.recruiterId],
      ...(options.meter === undefined ? {} : { meter: options.meter, scope: 'scheduling' }),
    });
  }

  async get(tenantId: string, recruiterId: string): Promise<StoredDocument<CalendarConnection> | undefined> {
    return this.#connections.read(connectionIdFor(tenantId, recruiterId), [tenantId, recruiterId]);
  }

  create(connection: CalendarConnection): Promise<StoredDocument<CalendarConnection> | 'exists'> {
    return this.#connections.create(connection);
  }

  replace(connection: CalendarConnection, etag: string): Promise<StoredDocument<CalendarConnection> | 'conflict' | undefined> {
    return this.#connections.replace(connection, etag);
  }

  each(states?: readonly ConnectionState[]): AsyncIterable<StoredDocument<CalendarConnection>> {
    if (states === undefined) return this.#connections.queryEach({ query: "SELECT * FROM c WHERE c.kind = 'connection'" });
    return this.#connections.queryEach({
      query: "SELECT * FROM c WHERE c.kind = 'connection' AND ARRAY_CONTAINS(@states, c.state)",
      parameters: [{ name: '@states', value: [...states] }],
    });
  }

  async countInState(state: ConnectionState): Promise<number> {
    let count = 0;
    for await (const _ of this.each([state])) count += 1;
    return count;
  }
}
