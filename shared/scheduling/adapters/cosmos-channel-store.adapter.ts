import { CosmosDocuments, type StoredDocument } from '../../platform/cosmos/cosmos-documents.ts';
import { calendarChannelSchema, type CalendarChannel } from '../domain/calendar-connection.ts';
import type { ChannelStore } from '../ports/scheduling-stores.port.ts';
import type { CosmosStoreOptions } from './cosmos-slot-store.adapter.ts';

/** The `calendarChannels` container (partition `/id`): one point read per push notification. */
export class CosmosChannelStore implements ChannelStore {
  readonly #channels: CosmosDocuments<CalendarChannel>;

  constructor(options: CosmosStoreOptions) {
    this.#channels = new CosmosDocuments<CalendarChannel>({
      container: options.container,
      schema: calendarChannelSchema,
      partitionKeyOf: (channel) => channel.id,
      ...(options.meter === undefined ? {} : { meter: options.meter, scope: 'scheduling' }),
    });
  }

  get(channelId: string): Promise<StoredDocument<CalendarChannel> | undefined> {
    return this.#channels.read(channelId, channelId);
  }

  async upsert(channel: CalendarChannel): Promise<void> {
    await this.#channels.upsert(channel);
  }

  async replace(channel: CalendarChannel, etag: string): Promise<'replaced' | 'conflict' | 'gone'> {
    const outcome = await this.#channels.replace(channel, etag);
    return outcome === 'conflict' ? 'conflict' : outcome === undefined ? 'gone' : 'replaced';
  }

  async delete(channelId: string): Promise<void> {
    await this.#channels.delete(channelId, channelId);
  }

  each(): AsyncIterable<StoredDocument<CalendarChannel>> {
    return this.#channels.queryEach({ query: "SELECT * FROM c WHERE c.kind = 'channel'" });
  }
}
