import { ServiceBusAdministrationClient } from '@azure/service-bus';
import type { TokenCredential } from '@azure/identity';
import type { DeliveryBacklog } from '../ports/notification-queues.port.ts';
import { DELIVERIES_QUEUE } from './service-bus-notification-queues.adapter.ts';

/**
 * The retry backlog from Service Bus: the deliveries queue's scheduled message count (runtime
 * properties; the identity needs the Service Bus Data Owner role or Manage rights to read them).
 */
export class ServiceBusDeliveryBacklog implements DeliveryBacklog {
  readonly #admin: ServiceBusAdministrationClient;

  constructor(config: { readonly fullyQualifiedNamespace: string; readonly credential: TokenCredential }) {
    this.#admin = new ServiceBusAdministrationClient(config.fullyQualifiedNamespace, config.credential);
  }

  async scheduledDeliveries(): Promise<number> {
    return (await this.#admin.getQueueRuntimeProperties(DELIVERIES_QUEUE)).scheduledMessageCount;
  }
}
