import type { Database } from '@azure/cosmos';
import type { CosmosRequestMeter } from '../platform/cosmos/cosmos-request-meter.ts';
import type { TimelineAppender } from '../events/ports/timeline-appender.port.ts';
import type { ChainSigner } from '../stages/ports/chain-signer.port.ts';
import type { PublishedEvents } from '../stages/ports/published-events.port.ts';
import { CosmosTimelineStore } from './adapters/cosmos-timeline-store.adapter.ts';
import type { TimelineStore } from './ports/timeline-store.port.ts';
import { appendToTimeline } from './use-cases/append-to-timeline.ts';

/** The timeline as the entry points and the outbox publisher use it. */
export interface TimelineModule {
  readonly store: TimelineStore;
  /** The events capability's `TimelineAppender`: appends published events to the hash chain. */
  readonly appender: TimelineAppender;
  /** Checks the chain's signatures (verify). */
  readonly signer: ChainSigner;
  /** The stages' `PublishedEvents`: an event has left once its entry exists. */
  readonly published: PublishedEvents;
}

/** `meter`: counts the store's Cosmos DB requests (under the `events` scope, apart from the API's own). */
export function createTimelineModule(database: Database, signer: ChainSigner, meter?: CosmosRequestMeter): TimelineModule {
  const store = new CosmosTimelineStore({ container: database.container('timeline'), ...(meter === undefined ? {} : { meter, scope: 'events' }) });
  const isPublished = async (tenantId: string, applicationId: string, seq: number) => (await store.get(tenantId, applicationId, seq)) !== undefined;
  return {
    store,
    signer,
    appender: { append: (events, recordedAt) => appendToTimeline(store, events, recordedAt), isPublished },
    published: { isPublished },
  };
}
