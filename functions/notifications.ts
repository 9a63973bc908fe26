import { app, type InvocationContext } from '@azure/functions';
import { UnreadableMessageError } from '../shared/notifications/notifications.module.ts';
import { queues } from '../shared/platform/messaging-entities.ts';
import { services } from './app-services.ts';
import { registerRoute } from './http/register-route.ts';
import { notificationRoutes } from './http/routes/notifications.routes.ts';

const maxDeliveryCountOf = (name: string) => queues.find((queue) => queue.name === name)!.maxDeliveryCount;

function delivery(context: InvocationContext): { deliveryCount: number; applicationProperties: Record<string, unknown> } {
  const metadata = context.triggerMetadata ?? {};
  return {
    deliveryCount: Number(metadata['deliveryCount'] ?? 1),
    applicationProperties: (metadata['applicationProperties'] as Record<string, unknown> | undefined) ?? {},
  };
}

/** Logs an unreadable message's reason (never its body) and rethrows: the message is abandoned, and dead-lettered after its last delivery. */
function reportUnreadable(context: InvocationContext, error: unknown): never {
  if (error instanceof UnreadableMessageError) context.error(error.message);
  throw error;
}

/**
 * Fan-out: each stage event (and notice) on `notifications` becomes one delivery message per
 * recipient and endpoint on `notification-deliveries`. Settlement is the host's: success
 * completes, a throw abandons (redelivered until `maxDeliveryCount`, then the dead-letter
 * sub-queue). Postponed fan-outs (store unavailable) are new scheduled messages.
 */
app.serviceBusQueue('notificationsFanOut', {
  connection: 'ServiceBusConnection',
  queueName: 'notifications',
  handler: async (message: unknown, context: InvocationContext) => {
    const { deliveryCount, applicationProperties } = delivery(context);
    try {
      await services().notifications.useCases.fanOut({
        body: message,
        fanOutAttempt: Number(applicationProperties['fanOutAttempt'] ?? 1),
        deliveryCount,
        maxDeliveryCount: maxDeliveryCountOf('notifications'),
      });
    } catch (error) {
      reportUnreadable(context, error);
    }
  },
});

/** One delivery attempt per message; retries are scheduled messages the use case sends itself. */
app.serviceBusQueue('notificationDeliveries', {
  connection: 'ServiceBusConnection',
  queueName: 'notification-deliveries',
  handler: async (message: unknown, context: InvocationContext) => {
    const { deliveryCount } = delivery(context);
    try {
      await services().notifications.useCases.deliver({ body: message, deliveryCount, maxDeliveryCount: maxDeliveryCountOf('notification-deliveries') });
    } catch (error) {
      reportUnreadable(context, error);
    }
  },
});

const useCases = () => services().notifications.useCases;

registerRoute(notificationRoutes.listInbox, async ({ access, query }) => ({ status: 200, body: await useCases().readInbox(access, query) }));
registerRoute(notificationRoutes.markNotificationRead, async ({ access, params }) => ({ status: 200, body: await useCases().markRead(access, params.id) }));
registerRoute(notificationRoutes.markAllNotificationsRead, async ({ access }) => ({ status: 200, body: await useCases().markAllRead(access) }));

registerRoute(notificationRoutes.createWebhook, async ({ access, body }) => ({ status: 201, body: await useCases().createWebhook(access, body) }));
registerRoute(notificationRoutes.listWebhooks, async ({ access }) => ({ status: 200, body: await useCases().listWebhooks(access) }));
registerRoute(notificationRoutes.getWebhook, async ({ access, params }) => ({ status: 200, body: await useCases().getWebhook(access, params.id) }));
registerRoute(notificationRoutes.updateWebhook, async ({ access, params, body }) => ({ status: 200, body: await useCases().updateWebhook(access, params.id, body) }));
registerRoute(notificationRoutes.deleteWebhook, async ({ access, params }) => {
  await useCases().deleteWebhook(access, params.id);
  return { status: 204 };
});
registerRoute(notificationRoutes.rotateWebhookSecret, async ({ access, params }) => ({ status: 200, body: await useCases().rotateSecret(access, params.id) }));
registerRoute(notificationRoutes.testWebhook, async ({ access, params }) => ({ status: 200, body: await useCases().testWebhook(access, params.id) }));

registerRoute(notificationRoutes.listDeadLetters, async ({ access, query }) => ({ status: 200, body: await useCases().listDeadLetters(access, query) }));
registerRoute(notificationRoutes.replayDeadLetter, async ({ access, params }) => ({ status: 202, body: await useCases().replayDeadLetter(access, params.id) }));
registerRoute(notificationRoutes.replayDeadLetters, async ({ access, body }) => ({ status: 202, body: await useCases().replayDeadLetters(access, body) }));
