import type { MessageBus, OutgoingMessage } from '../../shared/events/ports/message-bus.port.ts';
import type { QueueName, TopicName } from '../../shared/platform/messaging-entities.ts';
import { withTraceContext } from '../../shared/platform/trace-context.ts';
import { BrokerError, type BrokerErrorCode } from './broker-errors.ts';
import { reviveError, type CrossedError } from '../host/instance-channel.ts';

/** What an instance without the broker asks of the instance that owns it. */
export interface BrokerAccess {
  send(entity: QueueName | TopicName, messages: readonly OutgoingMessage[]): Promise<void>;
  checkBus(): Promise<void>;
}

/**
 * The app's `MessageBus` port over whatever reaches the local broker: in the local host's HTTP
 * instance (a worker thread) each send crosses to the main thread that owns the broker; there,
 * `LocalBrokerMessageBus` reaches it directly. Every message carries the sender's trace context
 * (the receiving side adds none of its own: `withTraceContext` keeps a message's).
 */
export class InstanceMessageBus implements MessageBus {
  readonly #broker: BrokerAccess;
  #closed = false;

  constructor(broker: BrokerAccess) {
    this.#broker = broker;
  }

  async send(entity: QueueName | TopicName, messages: readonly OutgoingMessage[]): Promise<void> {
    this.#assertUsable();
    await this.#broker.send(entity, messages.map((message) => withTraceContext(message)));
  }

  async check(): Promise<void> {
    this.#assertUsable();
    await this.#broker.checkBus();
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #assertUsable(): void {
    if (this.#closed) throw new BrokerError('BrokerClosed', 'This message bus was closed.');
  }
}

/** The broker's errors keep their class and code across the thread boundary (code branches on them). */
export function reviveBrokerError(crossed: CrossedError): Error {
  if (crossed.name !== 'BrokerError' || crossed.code === undefined) return reviveError(crossed);
  const prefix = `${crossed.code}: `;
  const error = new BrokerError(crossed.code as BrokerErrorCode, crossed.message.startsWith(prefix) ? crossed.message.slice(prefix.length) : crossed.message);
  if (crossed.stack) error.stack = crossed.stack;
  return error;
}
