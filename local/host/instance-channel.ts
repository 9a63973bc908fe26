import type { MessagePort, Worker } from 'node:worker_threads';

/**
 * Calls between the local host's two instances (the background instance on the main thread,
 * the HTTP instance on a worker thread) over their message port: each side answers the
 * methods it serves and calls the other's. Arguments and results are structured clones; an
 * error crosses as its name, message, stack and `code`, and is rebuilt by `revive` on the
 * calling side (the broker's errors keep their class, so code that branches on them works).
 */
export type Handlers = Record<string, (...args: never[]) => unknown>;

type Endpoint = Pick<MessagePort | Worker, 'postMessage' | 'on' | 'off'>;

interface Call {
  readonly kind: 'call';
  readonly id: number;
  readonly method: string;
  readonly args: readonly unknown[];
}

interface Reply {
  readonly kind: 'reply';
  readonly id: number;
  readonly value?: unknown;
  readonly error?: CrossedError;
}

export interface CrossedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
}

export class InstanceChannel<Remote extends Handlers> {
  readonly #endpoint: Endpoint;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  readonly #revive: (error: CrossedError) => Error;
  #nextId = 1;
  #closedBy: Error | undefined;

  constructor(endpoint: Endpoint, handlers: Handlers, revive: (error: CrossedError) => Error = reviveError) {
    this.#endpoint = endpoint;
    this.#revive = revive;
    endpoint.on('message', (message: Call | Reply) => {
      if (message.kind === 'reply') this.#settle(message);
      else void this.#answer(handlers, message);
    });
  }

  call<M extends keyof Remote & string>(method: M, ...args: Parameters<Remote[M]>): Promise<Awaited<ReturnType<Remote[M]>>> {
    if (this.#closedBy) return Promise.reject(this.#closedBy);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#endpoint.postMessage({ kind: 'call', id, method, args } satisfies Call);
    });
  }

  /** Fails every call still waiting, and every later one, with `reason` (the other side is gone). */
  close(reason: Error): void {
    this.#closedBy = reason;
    for (const { reject } of this.#pending.values()) reject(reason);
    this.#pending.clear();
  }

  #settle(reply: Reply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (reply.error) pending.reject(this.#revive(reply.error));
    else pending.resolve(reply.value);
  }

  async #answer(handlers: Handlers, call: Call): Promise<void> {
    let reply: Reply;
    try {
      const handler = handlers[call.method];
      if (!handler) throw new Error(`No method "${call.method}" on this instance.`);
      reply = { kind: 'reply', id: call.id, value: await (handler as (...args: unknown[]) => unknown)(...call.args) };
    } catch (error) {
      reply = { kind: 'reply', id: call.id, error: crossed(error) };
    }
    this.#endpoint.postMessage(reply);
  }
}

function crossed(error: unknown): CrossedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}), ...(typeof code === 'string' ? { code } : {}) };
}

export function reviveError(crossedError: CrossedError): Error {
  const error = new Error(crossedError.message);
  error.name = crossedError.name;
  if (crossedError.stack) error.stack = crossedError.stack;
  if (crossedError.code !== undefined) Object.assign(error, { code: crossedError.code });
  return error;
}
