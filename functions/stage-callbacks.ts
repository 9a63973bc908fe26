import { app, type InvocationContext } from '@azure/functions';
import { systemClock } from '../shared/platform/clock.ts';
import { topics } from '../shared/platform/messaging-entities.ts';
import { readStageSla } from '../shared/events/use-cases/read-stage-sla.ts';
import { runStageCallbacks } from '../shared/events/use-cases/run-stage-callbacks.ts';
import { applicationSlaViewSchema } from '../shared/events/api/stage-sla-api.schema.ts';
import { services } from './app-services.ts';
import { registerRoute } from './http/register-route.ts';
import { defineApplicationRead, staffOnly } from './http/route-definition.ts';

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

export const stageSlaRoute = defineApplicationRead({
  name: 'getStageSla',
  route: 'applications/{applicationId}/stage-sla',
  summary: 'How long each stage waited on the candidate and on recruiters',
  description: 'Staff only. Recorded by the stage-SLA watcher, a post-transition callback: it lags the stage API by the time the event takes through the outbox and the topic.',
  tags: ['timeline'],
  access: staffOnly,
  responses: [{ status: 200, description: 'One record per stage that has had an event.', schema: applicationSlaViewSchema }],
});

registerRoute(stageSlaRoute, async ({ principal, params }) => {
  const { events } = services();
  return {
    status: 200,
    body: await readStageSla({ applications: events.applications, stageSla: events.stageSla, clock: systemClock }, principal, params.applicationId),
  };
});
