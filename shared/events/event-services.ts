import type { Database } from '@azure/cosmos';
import type { Clock } from '../platform/clock.ts';
import type { ApplicationRepository } from '../stages/application-repository.port.ts';
import { CosmosApplicationRepository } from '../stages/cosmos-application-repository.adapter.ts';
import { CosmosTimelineStore } from '../timeline/cosmos-timeline-store.adapter.ts';
import type { TimelineStore } from '../timeline/timeline-store.port.ts';
import type { CallbackRegistry } from './callbacks/callback-registry.ts';
import type { CallbackRunStore } from './callbacks/callback-run-store.port.ts';
import { CosmosCallbackRunStore } from './callbacks/cosmos-callback-run-store.adapter.ts';
import { CosmosStageSlaStore } from './callbacks/cosmos-stage-sla-store.adapter.ts';
import { postTransitionCallbacks } from './callbacks/post-transition-callbacks.ts';
import type { StageSlaStore } from './callbacks/stage-sla-store.port.ts';

/** The outbox publisher's, the timeline's and the callback registry's adapters. */
export interface EventServices {
  readonly applications: ApplicationRepository;
  readonly timeline: TimelineStore;
  readonly callbacks: CallbackRegistry;
  readonly callbackRuns: CallbackRunStore;
  readonly stageSla: StageSlaStore;
}

/** `applications`: pass the stage API's repository to share it; otherwise one is built on `database`. */
export function buildEventServices(database: Database, clock: Clock, applications?: ApplicationRepository): EventServices {
  const stageSla = new CosmosStageSlaStore(database.container('stageSla'));
  return {
    applications: applications ?? new CosmosApplicationRepository({ database }),
    timeline: new CosmosTimelineStore(database.container('timeline')),
    callbacks: postTransitionCallbacks({ stageSla, clock }),
    callbackRuns: new CosmosCallbackRunStore(database.container('callbackRuns')),
    stageSla,
  };
}
