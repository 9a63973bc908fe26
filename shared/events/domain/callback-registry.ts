import type { StageEventNotice } from './stage-cloud-event.ts';

export interface CallbackContext {
  /** Aborted when the callback's timeout passes: stop work and let the attempt fail. */
  readonly signal: AbortSignal;
  /** Delivery attempt of the event's message (1 on the first). */
  readonly attempt: number;
}

/**
 * Work that runs after a stage event was committed and published: never in the request path,
 * at least once per event (make it idempotent on `event.id`), isolated from every other callback.
 */
export interface PostTransitionCallback {
  /** Stable, unique, kebab-case: it names the callback's completion records and metrics. */
  readonly name: string;
  /** An attempt that runs longer fails (and is retried like a throw). */
  readonly timeoutMs: number;
  /** Events this callback wants; all when absent. */
  accepts?(event: StageEventNotice): boolean;
  handle(event: StageEventNotice, context: CallbackContext): Promise<void>;
}

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const MAX_TIMEOUT_MS = 4 * 60_000;

/**
 * The named subscribers of `stage-events` (subscription `post-transition-callbacks`). The
 * composition root registers the shipped ones; `docs/extending.md` shows how to add one.
 */
export class CallbackRegistry {
  readonly #callbacks = new Map<string, PostTransitionCallback>();

  register(callback: PostTransitionCallback): this {
    if (!NAME.test(callback.name)) throw new Error(`Callback name "${callback.name}" must be kebab-case (a-z, 0-9, -).`);
    if (this.#callbacks.has(callback.name)) throw new Error(`A callback named "${callback.name}" is already registered.`);
    // The message lock (1 min, renewed up to 5 min) must outlive every attempt.
    if (!(callback.timeoutMs > 0 && callback.timeoutMs <= MAX_TIMEOUT_MS)) {
      throw new Error(`Callback "${callback.name}": timeoutMs must be between 1 and ${MAX_TIMEOUT_MS}.`);
    }
    this.#callbacks.set(callback.name, callback);
    return this;
  }

  /** Removes a callback (tests; a deployment changes the registration list instead). */
  unregister(name: string): boolean {
    return this.#callbacks.delete(name);
  }

  /** Registered callbacks that want `event`, in registration order. */
  for(event: StageEventNotice): PostTransitionCallback[] {
    return [...this.#callbacks.values()].filter((callback) => callback.accepts?.(event) ?? true);
  }

  names(): string[] {
    return [...this.#callbacks.keys()];
  }
}
