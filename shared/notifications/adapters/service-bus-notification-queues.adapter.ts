import type { MessageBus } from '../../events/ports/message-bus.port.ts';
import { attemptMessageId, type DeliveryMessage } from '../domain/delivery.ts';
import type { NotificationQueues } from '../ports/notification-queues.port.ts';

export const DELIVERIES_QUEUE = 'notification-deliveries';
export const NOTIFICATIONS_QUEUE = 'notifications';

/** The notification queues over the message bus (Service Bus in Azure, the broker locally). */
export class ServiceBusNotificationQueues implements NotificationQueues {
  readonly #bus: MessageBus;

  constructor(bus: MessageBus) {
    this.#bus = bus;
  }

  async sendDeliveries(messages: readonly DeliveryMessage[], options: { readonly at?: Date; readonly idSuffix?: string } = {}): Promise<void> {
    if (messages.length === 0) return;
    await this.#bus.send(
      DELIVERIES_QUEUE,
      messages.map((message) => ({
        messageId: `${attemptMessageId(message)}${options.idSuffix ?? ''}`,
        body: message,
        contentType: 'application/json',
        subject: message.event,
        correlationId: message.deliveryId,
        applicationProperties: { channel: message.target.channel, tenantId: message.tenantId, attempt: message.attempt },
        ...(options.at === undefined ? {} : { scheduledEnqueueTimeUtc: options.at }),
      })),
    );
  }

  async requeueEvent(body: unknown, eventId: string, fanOutAttempt: number, at: Date): Promise<void> {
    await this.#bus.send(NOTIFICATIONS_QUEUE, [
      { messageId: `${eventId}~fanout${fanOutAttempt}`, body, contentType: 'application/json', applicationProperties: { fanOutAttempt }, scheduledEnqueueTimeUtc: at },
    ]);
  }
}
