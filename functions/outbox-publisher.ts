import { app, type InvocationContext } from '@azure/functions';
import { systemClock } from '../shared/platform/clock.ts';
import { publishChangedOutboxes } from '../shared/events/use-cases/publish-changed-outboxes.ts';
import { services } from './app-services.ts';

/**
 * Publishes the outbox of every changed application (change feed of `applications`): topic,
 * queue, timeline, then trim. A failed batch is retried by the policy below (the Cosmos DB
 * trigger does not retry by default: the changes would be lost to this function); whatever
 * the retries do not publish, the outbox sweeper does.
 */
app.cosmosDB('outboxPublisher', {
  connection: 'CosmosConnection',
  databaseName: '%COSMOS_DATABASE_NAME%',
  containerName: 'applications',
  leaseContainerName: 'leases',
  leaseContainerPrefix: 'outbox-publisher-',
  createLeaseContainerIfNotExists: false,
  retry: { strategy: 'exponentialBackoff', maxRetryCount: 5, minimumInterval: { seconds: 1 }, maximumInterval: { seconds: 30 } },
  handler: async (documents: unknown[], context: InvocationContext) => {
    const { bus, events } = services();
    const outcome = await publishChangedOutboxes({ applications: events.applications, bus, timeline: events.timeline, clock: systemClock }, documents);
    for (const skipped of outcome.unreadable) {
      context.error(`Application ${skipped.id} is not a readable application document; its outbox is not published: ${skipped.reason}`);
    }
  },
});
