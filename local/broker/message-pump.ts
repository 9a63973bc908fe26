import type { MessageActions, MessageHandler, PeekLockReceiver, ReceivedMessage, SubscribeOptions, Subscription } from './broker-types.ts';

/**
 * What the Functions host's Service Bus listener does with a trigger: receive under peek-lock
 * with up to `maxConcurrentCalls` handlers running, renew the lock while a handler runs, then
 * complete on success or abandon on a throw (with `autoComplete`). Waiting for messages is
 * event-driven (`receive` with an unbounded wait), never a polling loop.
 */
export class MessagePump implements Subscription {
  readonly #broker: PeekLockReceiver;
  readonly #path: string;
  readonly #handler: MessageHandler;
  readonly #maxConcurrentCalls: number;
  readonly #autoComplete: boolean;
  readonly #maxAutoLockRenewalMs: number;
  readonly #onError: (error: unknown, message: ReceivedMessage | undefined) => void;
  readonly #onClosed: () => void;
  readonly #stop = new AbortController();
  readonly #running = new Set<Promise<void>>();
  readonly #loop: Promise<void>;
  #slotFreed: (() => void) | undefined;

  constructor(broker: PeekLockReceiver, path: string, handler: MessageHandler, options: SubscribeOptions, onClosed: () => void) {
    this.#broker = broker;
    this.#path = path;
    this.#handler = handler;
    this.#maxConcurrentCalls = Math.max(1, options.maxConcurrentCalls ?? 16);
    this.#autoComplete = options.autoComplete ?? true;
    this.#maxAutoLockRenewalMs = options.maxAutoLockRenewalMs ?? 300_000;
    this.#onError = options.onError ?? ((error) => console.error(`[local-broker] ${path}:`, error));
    this.#onClosed = onClosed;
    this.#loop = this.#run();
  }

  async close(): Promise<void> {
    this.#stop.abort();
    this.#slotFreed?.();
    await this.#loop;
    await Promise.allSettled([...this.#running]);
    this.#onClosed();
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      const capacity = this.#maxConcurrentCalls - this.#running.size;
      if (capacity <= 0) {
        await new Promise<void>((resolve) => (this.#slotFreed = resolve));
        continue;
      }
      let messages: ReceivedMessage[];
      try {
        messages = await this.#broker.receive(this.#path, { maxMessages: capacity, maxWaitTimeMs: Infinity, abortSignal: signal });
      } catch (error) {
        if (!signal.aborted) this.#onError(error, undefined);
        return;
      }
      for (const message of messages) {
        const run = this.#process(message).finally(() => {
          this.#running.delete(run);
          this.#slotFreed?.();
          this.#slotFreed = undefined;
        });
        this.#running.add(run);
      }
    }
  }

  async #process(message: ReceivedMessage): Promise<void> {
    let settled = false;
    const settle = async (settlement: () => Promise<void>): Promise<void> => {
      if (settled) throw new Error(`Message ${message.messageId} is already settled.`);
      await settlement();
      settled = true;
    };
    const actions: MessageActions = {
      complete: () => settle(() => this.#broker.complete(message.lockToken)),
      abandon: () => settle(() => this.#broker.abandon(message.lockToken)),
      deadLetter: (options) => settle(() => this.#broker.deadLetter(message.lockToken, options)),
    };
    const stopRenewing = this.#renewWhileRunning(message);
    let failure: { error: unknown } | undefined;
    try {
      await this.#handler(message, actions);
    } catch (error) {
      failure = { error };
      this.#onError(error, message);
    } finally {
      stopRenewing();
    }
    if (!this.#autoComplete || settled) return;
    try {
      if (failure) await this.#broker.abandon(message.lockToken);
      else await this.#broker.complete(message.lockToken);
    } catch (error) {
      this.#onError(error, message);
    }
  }

  /** Renews the lock at half its duration until the handler ends or `maxAutoLockRenewalMs` has passed. */
  #renewWhileRunning(message: ReceivedMessage): () => void {
    const startedAt = this.#broker.now();
    const interval = Math.max(1, Math.floor(this.#broker.entityInfo(this.#path).lockDurationMs / 2));
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const schedule = (): void => {
      if (stopped) return;
      timer = setTimeout(() => {
        if (this.#broker.now() - startedAt >= this.#maxAutoLockRenewalMs) return;
        this.#broker.renewLock(message.lockToken).then(schedule, () => undefined);
      }, interval);
    };
    schedule();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }
}
