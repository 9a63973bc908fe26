import { app, type InvocationContext, type Timer } from '@azure/functions';
import { systemClock } from '../shared/platform/clock.ts';
import { sweepStrandedOutboxes } from '../shared/events/use-cases/sweep-stranded-outboxes.ts';
import { services } from './app-services.ts';

/** Every minute: republishes the outboxes the change-feed publisher recorded as stranded. */
app.timer('outboxSweeper', {
  schedule: '0 */1 * * * *',
  handler: async (_timer: Timer, context: InvocationContext) => {
    const { bus, events } = services();
    const outcome = await sweepStrandedOutboxes({ applications: events.applications, bus, timeline: events.timeline, stranded: events.stranded, clock: systemClock });
    if (outcome.applications > 0) {
      context.warn(`Outbox sweeper: ${outcome.applications} stranded application(s), oldest ${Math.round(outcome.oldestAgeSeconds)} s; republished ${outcome.republished} event(s).`);
    }
    for (const failure of outcome.failures) context.error(`Outbox sweeper: ${failure.applicationId} still unpublished: ${failure.reason}`);
  },
});
