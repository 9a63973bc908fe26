import { app, type InvocationContext } from '@azure/functions';
import { systemClock } from '../shared/platform/clock.ts';
import { topics } from '../shared/platform/messaging-entities.ts';
import { readStageSla } from '../shared/events/use-cases/read-stage-sla.ts';
import { runStageCallbacks } from '../shared/events/use-cases/run-stage-callbacks.ts';
import { services } from './app-services.ts';
import { registerRoute } from './http/register-route.ts';
import { eventRoutes } from './http/routes/events.routes.ts';

const TOPIC = 'stage-events';
const SUBSCRIPTION = 'post-transition-callbacks';
const maxDeliveryCount = topics.find((topic) => topic.name === TOPIC)!.subscriptions.find((sub) => sub.name === SUBSCRIPTION)!.maxDeliveryCount;

/**
 * Runs the post-transition callback registry for every stage event, off the request path.
 * A throw abandons the message: the broker redelivers it (only callbacks that have not yet
 * succeeded run again) and dead-letters it after the subscription's last delivery.
 */
app.serviceBusTopic('stageCallbacks', {
  connection: 'ServiceBusConnection',
  topicName: TOPIC,
  subscriptionName: SUBSCRIPTION,
  handler: async (message: unknown, context: InvocationContext) => {
    const { events } = services();
    const deliveryCount = Number(context.triggerMetadata?.deliveryCount ?? 1);
    await runStageCallbacks({ registry: events.callbacks, runs: events.callbackRuns, clock: systemClock }, { body: message, deliveryCount, maxDeliveryCount });
  },
});

registerRoute(eventRoutes.getStageSla, async ({ access, params }) => {
  const { events } = services();
  return {
    status: 200,
    body: await readStageSla({ applications: events.applications, stageSla: events.stageSla, clock: systemClock }, access, params.applicationId),
  };
});
