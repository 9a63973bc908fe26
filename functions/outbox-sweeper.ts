import { app, type InvocationContext, type Timer } from '@azure/functions';
import { systemClock } from '../shared/platform/clock.ts';
import { sweepStrandedOutboxes } from '../shared/events/use-cases/sweep-stranded-outboxes.ts';
import { services } from './app-services.ts';

/** Every minute: republishes outboxes holding events committed more than a minute ago. */
app.timer('outboxSweeper', {
  schedule: '0 */1 * * * *',
  handler: async (_timer: Timer, context: InvocationContext) => {
    const { bus, events } = services();
    const outcome = await sweepStrandedOutboxes({ applications: events.applications, bus, timeline: events.timeline, clock: systemClock });
    if (outcome.strandedEvents > 0) {
      context.warn(`Outbox sweeper: ${outcome.strandedEvents} stranded event(s) in ${outcome.applications} application(s), oldest ${Math.round(outcome.oldestAgeSeconds)} s; republished ${outcome.republished}.`);
    }
    for (const failure of outcome.failures) context.error(`Outbox sweeper: ${failure.applicationId} still unpublished: ${failure.reason}`);
  },
});
