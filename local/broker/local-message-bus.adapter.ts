import type { MessageBus, OutgoingMessage } from '../../shared/events/ports/message-bus.port.ts';
import type { QueueName, TopicName } from '../../shared/platform/messaging-entities.ts';
import { withTraceContext } from '../../shared/platform/trace-context.ts';
import { BrokerError } from './broker-errors.ts';
import type { LocalBroker } from './local-broker.ts';

/**
 * The app's `MessageBus` port over the local host's in-process broker. The broker belongs to
 * the host: `close()` retires this adapter only, and the host closes the broker itself.
 */
export class LocalBrokerMessageBus implements MessageBus {
  readonly #broker: LocalBroker;
  #closed = false;

  constructor(broker: LocalBroker) {
    this.#broker = broker;
  }

  /** Resolves once the broker has accepted (and journaled) every message, each with the sender's trace context (as in Azure). */
  async send(entity: QueueName | TopicName, messages: readonly OutgoingMessage[]): Promise<void> {
    this.#assertUsable();
    await this.#broker.send(entity, messages.map((message) => withTraceContext(message)));
  }

  async check(): Promise<void> {
    this.#assertUsable();
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #assertUsable(): void {
    if (this.#closed) throw new BrokerError('BrokerClosed', 'This message bus was closed.');
    if (!this.#broker.isOpen) throw new BrokerError('BrokerClosed', 'The local broker is closed.');
  }
}
