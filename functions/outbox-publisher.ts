import { app, type InvocationContext } from '@azure/functions';
import { systemClock } from '../shared/platform/clock.ts';
import { publishChangedOutboxes } from '../shared/events/use-cases/publish-changed-outboxes.ts';
import { services } from './app-services.ts';

/**
 * Publishes the outbox of every changed application (change feed of `applications`): topic,
 * queue, then timeline; the document itself is not written. An application whose publish fails
 * is recorded in the stranded index for the sweeper and the batch goes on. A batch throws only
 * when it could not even record a failure: then the policy below retries it for as long as it
 * takes (the Cosmos DB trigger does not retry by default, and a skipped batch would be lost).
 */
app.cosmosDB('outboxPublisher', {
  connection: 'CosmosConnection',
  databaseName: '%COSMOS_DATABASE_NAME%',
  containerName: 'applications',
  leaseContainerName: 'leases',
  leaseContainerPrefix: 'outbox-publisher-',
  createLeaseContainerIfNotExists: false,
  retry: { strategy: 'exponentialBackoff', maxRetryCount: -1, minimumInterval: { seconds: 1 }, maximumInterval: { seconds: 60 } },
  handler: async (documents: unknown[], context: InvocationContext) => {
    const { bus, events } = services();
    const outcome = await publishChangedOutboxes({ bus, timeline: events.timeline, stranded: events.stranded, clock: systemClock }, documents);
    for (const stranded of outcome.stranded) {
      context.warn(`Outbox of ${stranded.tenantId}/${stranded.id} not published (recorded for the sweeper): ${stranded.reason}`);
    }
    for (const skipped of outcome.unreadable) {
      context.error(`Application ${skipped.id} is not a readable application document; its outbox is not published: ${skipped.reason}`);
    }
  },
});
