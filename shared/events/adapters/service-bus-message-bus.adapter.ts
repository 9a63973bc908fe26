import { ServiceBusClient, type ServiceBusSender } from '@azure/service-bus';
import type { TokenCredential } from '@azure/identity';
import type { MessageBus, OutgoingMessage } from '../ports/message-bus.port.ts';
import { queues } from '../../platform/messaging-entities.ts';
import { withTraceContext } from '../../platform/trace-context.ts';

export interface ServiceBusMessageBusConfig {
  readonly fullyQualifiedNamespace: string;
  readonly credential: TokenCredential;
}

/**
 * Azure Service Bus behind the MessageBus port; one cached sender per entity. Each message carries
 * the sender's W3C trace context (`traceparent`) in its application properties, so its consumer
 * continues the same trace.
 */
export class ServiceBusMessageBus implements MessageBus {
  readonly #client: ServiceBusClient;
  readonly #senders = new Map<string, ServiceBusSender>();

  constructor(config: ServiceBusMessageBusConfig) {
    this.#client = new ServiceBusClient(config.fullyQualifiedNamespace, config.credential);
  }

  async send(entity: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    let sender = this.#senders.get(entity);
    if (!sender) this.#senders.set(entity, (sender = this.#client.createSender(entity)));
    await sender.sendMessages(
      messages.map((message) => withTraceContext(message)).map((message) => ({
        messageId: message.messageId,
        body: message.body,
        contentType: message.contentType ?? 'application/json',
        ...(message.subject ? { subject: message.subject } : {}),
        ...(message.correlationId ? { correlationId: message.correlationId } : {}),
        ...(message.applicationProperties ? { applicationProperties: { ...message.applicationProperties } } : {}),
        ...(message.scheduledEnqueueTimeUtc ? { scheduledEnqueueTimeUtc: message.scheduledEnqueueTimeUtc } : {}),
      })),
    );
  }

  /** Peeks the first queue: proves the namespace answers and the identity may listen. */
  async check(): Promise<void> {
    const receiver = this.#client.createReceiver(queues[0].name);
    try {
      await receiver.peekMessages(1);
    } finally {
      await receiver.close();
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#senders.values()].map((sender) => sender.close()));
    await this.#client.close();
  }
}
