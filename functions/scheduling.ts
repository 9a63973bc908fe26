import { app, type InvocationContext } from '@azure/functions';
import { parseStageCloudEvent } from '../shared/events/domain/stage-cloud-event.ts';
import type { SyncRequest } from '../shared/scheduling/use-cases/connection/receive-calendar-notification.ts';
import { services } from './app-services.ts';
import { registerRoute } from './http/register-route.ts';
import { schedulingRoutes } from './http/routes/scheduling.routes.ts';

const scheduling = () => services().scheduling.useCases;

registerRoute(schedulingRoutes.connectCalendar, async ({ access, body }) => ({ status: 200, body: await scheduling().connectCalendar(access, body) }));

registerRoute(schedulingRoutes.oauthCallback, async ({ query }) => {
  const { location } = await scheduling().completeConnection(query);
  return { status: 302, headers: { location } };
});

registerRoute(schedulingRoutes.getConnection, async ({ access }) => ({ status: 200, body: await scheduling().getConnection(access) }));

registerRoute(schedulingRoutes.disconnect, async ({ access }) => ({ status: 200, body: await scheduling().disconnect(access) }));

registerRoute(schedulingRoutes.publishSlots, async ({ access, body }) => ({ status: 201, body: await scheduling().publishSlots(access, body) }));

registerRoute(schedulingRoutes.listSlots, async ({ access, query }) => ({ status: 200, body: await scheduling().listSlots(access, query) }));

registerRoute(schedulingRoutes.deleteSlot, async ({ access, params }) => {
  await scheduling().deleteSlot(access, params.slotId);
  return { status: 204 };
});

registerRoute(schedulingRoutes.notifications, async ({ request }) => {
  await scheduling().receiveNotification({
    channelId: request.headers.get('x-goog-channel-id'),
    channelToken: request.headers.get('x-goog-channel-token'),
    resourceState: request.headers.get('x-goog-resource-state'),
    resourceId: request.headers.get('x-goog-resource-id'),
    messageNumber: request.headers.get('x-goog-message-number'),
  });
  return { status: 200, body: { received: true } };
});

registerRoute(schedulingRoutes.stageSlots, async ({ access, params, query }) => ({
  status: 200,
  body: await scheduling().listStageSlots(access, params.applicationId, params.stageId, query.timeZone),
}));

registerRoute(schedulingRoutes.schedule, async ({ access, params, body }) => ({
  status: 200,
  body: await scheduling().schedule(access, params.applicationId, params.stageId, body),
}));

registerRoute(schedulingRoutes.reschedule, async ({ access, params, body }) => ({
  status: 200,
  body: await scheduling().reschedule(access, params.applicationId, params.stageId, body),
}));

/** Google pushed a change: one incremental sync per message (a throw redelivers it). */
app.serviceBusQueue('calendarSync', {
  connection: 'ServiceBusConnection',
  queueName: 'calendar-sync',
  handler: async (message: unknown) => {
    const request = (typeof message === 'string' ? JSON.parse(message) : message) as SyncRequest;
    await scheduling().sync(request);
  },
});

/** A cancelled live interview cancels its calendar event (every path that cancels the stage ends here). */
app.serviceBusTopic('calendarCancellations', {
  connection: 'ServiceBusConnection',
  topicName: 'stage-events',
  subscriptionName: 'calendar-cancellations',
  handler: async (message: unknown, context: InvocationContext) => {
    const event = parseStageCloudEvent(message);
    if (event.stageType !== 'live_interview' || event.action !== 'cancel') return;
    const outcome = await scheduling().cancelEvent({ tenantId: event.tenantId, applicationId: event.applicationId, stageId: event.stageId });
    if (outcome === 'not_connected') context.warn(`Calendar event of stage ${event.stageId} (application ${event.applicationId}) could not be cancelled: the recruiter's calendar is not connected.`);
  },
});

/** The backstop of status sync: every five minutes, every connection (sync, channel renewal, completion). */
app.timer('calendarPoll', {
  schedule: '0 */5 * * * *',
  handler: async (_timer: unknown, context: InvocationContext) => {
    const report = await scheduling().poll();
    for (const failure of report.failed) context.warn(`Calendar poll: ${failure.recruiterId}: ${failure.reason}`);
  },
});

/** Every minute: holds older than two minutes and half-done bookings are finished or undone. */
app.timer('calendarHoldSweeper', {
  schedule: '30 */1 * * * *',
  handler: async (_timer: unknown, context: InvocationContext) => {
    const report = await scheduling().sweep();
    if (report.released + report.rolledForward + report.undone + report.orphaned + report.failed > 0) {
      context.log(`Calendar sweeper: released ${report.released}, finished ${report.rolledForward}, undone ${report.undone}, orphaned ${report.orphaned}, failed ${report.failed}.`);
    }
  },
});
