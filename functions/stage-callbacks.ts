import { app, type InvocationContext } from '@azure/functions';
import { systemClock } from '../shared/platform/clock.ts';
import { topics } from '../shared/platform/messaging-entities.ts';
import { readStageSla } from '../shared/events/callbacks/read-stage-sla.ts';
import { runStageCallbacks } from '../shared/events/callbacks/run-stage-callbacks.ts';
import { services } from './app-services.ts';
import { endpoint } from './http/endpoint.ts';

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

/** What the stage-SLA watcher recorded: how long each stage waited on the candidate and on recruiters (staff only). */
app.http('stageSla', {
  route: 'applications/{applicationId}/stage-sla',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: endpoint(async (request) => {
    const { auth, events } = services();
    const principal = await auth.verify(request.headers.get('authorization'));
    const view = await readStageSla({ applications: events.applications, stageSla: events.stageSla, clock: systemClock }, principal, request.params.applicationId!);
    return { status: 200, jsonBody: view, headers: { 'cache-control': 'no-store' } };
  }),
});
