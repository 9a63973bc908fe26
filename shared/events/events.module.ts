import type { Database } from '@azure/cosmos';
import type { Clock } from '../platform/clock.ts';
import type { CosmosRequestMeter } from '../platform/cosmos/cosmos-request-meter.ts';
import type { ApplicationRepository } from '../stages/ports/application-repository.port.ts';
import type { TimelineAppender } from './ports/timeline-appender.port.ts';
import type { CallbackRegistry } from './domain/callback-registry.ts';
import type { CallbackRunStore } from './ports/callback-run-store.port.ts';
import { CosmosCallbackRunStore } from './adapters/cosmos-callback-run-store.adapter.ts';
import { CosmosStageSlaStore } from './adapters/cosmos-stage-sla-store.adapter.ts';
import { CosmosStrandedOutboxes } from './adapters/cosmos-stranded-outboxes.adapter.ts';
import { rememberPublished } from './adapters/remembered-timeline.adapter.ts';
import type { StrandedOutboxes } from './ports/stranded-outboxes.port.ts';
import { postTransitionCallbacks } from './use-cases/post-transition-callbacks.ts';
import type { StageSlaStore } from './ports/stage-sla-store.port.ts';

/** The outbox publisher's and the callback registry's adapters. */
export interface EventsModule {
  readonly applications: ApplicationRepository;
  readonly timeline: TimelineAppender;
  /** Outboxes whose publish failed: the sweeper's work list. */
  readonly stranded: StrandedOutboxes;
  readonly callbacks: CallbackRegistry;
  readonly callbackRuns: CallbackRunStore;
  readonly stageSla: StageSlaStore;
}

/** What the events capability takes from other capabilities (the composition root passes them in). */
export interface EventsModuleLinks {
  /** The stage module's repository of the `applications` container. */
  readonly applications: ApplicationRepository;
  /** The timeline module's appender. */
  readonly timeline: TimelineAppender;
  /** Counts the stores' Cosmos DB requests under the `events` scope. */
  readonly meter?: CosmosRequestMeter;
}

export function createEventsModule(database: Database, clock: Clock, links: EventsModuleLinks): EventsModule {
  const metered = links.meter === undefined ? {} : { meter: links.meter, scope: 'events' };
  const stageSla = new CosmosStageSlaStore({ container: database.container('stageSla'), ...metered });
  return {
    applications: links.applications,
    // Remembers what this instance put on the timeline: the publisher's look-up before each publish is then usually free.
    timeline: rememberPublished(links.timeline),
    callbacks: postTransitionCallbacks({ stageSla, clock }),
    callbackRuns: new CosmosCallbackRunStore({ container: database.container('callbackRuns'), ...metered }),
    stranded: new CosmosStrandedOutboxes({ container: database.container('strandedOutboxes'), ...metered }),
    stageSla,
  };
}
