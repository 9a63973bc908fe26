import type { Clock } from '../../platform/clock.ts';
import { CallbackRegistry } from '../domain/callback-registry.ts';
import { stageSlaWatcher } from './stage-sla-watcher.callback.ts';
import type { StageSlaStore } from '../ports/stage-sla-store.port.ts';

export interface ShippedCallbackDeps {
  readonly stageSla: StageSlaStore;
  readonly clock: Clock;
}

/** The registry with every callback Stageline ships. Add new ones here (docs/extending.md). */
export function postTransitionCallbacks(deps: ShippedCallbackDeps): CallbackRegistry {
  return new CallbackRegistry().register(stageSlaWatcher(deps.stageSla, deps.clock));
}
