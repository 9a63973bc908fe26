import type { Database } from '@azure/cosmos';
import type { Clock } from '../platform/clock.ts';
import type { CosmosRequestMeter } from '../platform/cosmos/cosmos-request-meter.ts';
import type { ApplicationRepository } from '../stages/ports/application-repository.port.ts';
import { CosmosApplicationRepository } from '../stages/adapters/cosmos-application-repository.adapter.ts';
import { CosmosTimelineStore } from '../timeline/adapters/cosmos-timeline-store.adapter.ts';
import type { TimelineStore } from '../timeline/ports/timeline-store.port.ts';
import type { CallbackRegistry } from './domain/callback-registry.ts';
import type { CallbackRunStore } from './ports/callback-run-store.port.ts';
import { CosmosCallbackRunStore } from './adapters/cosmos-callback-run-store.adapter.ts';
import { CosmosStageSlaStore } from './adapters/cosmos-stage-sla-store.adapter.ts';
import { postTransitionCallbacks } from './use-cases/post-transition-callbacks.ts';
import type { StageSlaStore } from './ports/stage-sla-store.port.ts';

/** The outbox publisher's, the timeline's and the callback registry's adapters. */
export interface EventServices {
  readonly applications: ApplicationRepository;
  readonly timeline: TimelineStore;
  readonly callbacks: CallbackRegistry;
  readonly callbackRuns: CallbackRunStore;
  readonly stageSla: StageSlaStore;
}

/**
 * `applications`: pass the stage API's repository to share it; otherwise one is built on `database`.
 * `meter`: counts the stores' Cosmos DB requests under the `events` scope.
 */
export function buildEventServices(database: Database, clock: Clock, applications?: ApplicationRepository, meter?: CosmosRequestMeter): EventServices {
  const metered = meter === undefined ? {} : { meter, scope: 'events' };
  const stageSla = new CosmosStageSlaStore({ container: database.container('stageSla'), ...metered });
  return {
    applications: applications ?? new CosmosApplicationRepository({ database }),
    timeline: new CosmosTimelineStore({ container: database.container('timeline'), ...metered }),
    callbacks: postTransitionCallbacks({ stageSla, clock }),
    callbackRuns: new CosmosCallbackRunStore({ container: database.container('callbackRuns'), ...metered }),
    stageSla,
  };
}
