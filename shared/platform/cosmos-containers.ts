/**
 * The one definition of the Cosmos DB database and its containers. The local host creates
 * them at start; `infra/modules/cosmos.bicep` declares the same ids, partition keys and TTLs
 * (`test/infra/infra-declarations.test.ts` compares them).
 */
export interface ContainerDefinition {
  readonly id: string;
  readonly partitionKey: string;
  /** Default time-to-live in seconds; -1 = items expire only when they carry their own `ttl`. */
  readonly defaultTtl?: number;
}

export const containers = [
  { id: 'applications', partitionKey: '/applicationId' },
  { id: 'scheduledCalls', partitionKey: '/applicationId' },
  { id: 'slots', partitionKey: '/recruiterId' },
  // Verified documents (id = documentId), read by application: offer-letter resolution, read URLs.
  { id: 'uploads', partitionKey: '/applicationId' },
  // Upload intents (id = uploadId): the blob trigger and GET /api/uploads/{id} know only the upload id.
  { id: 'uploadIntents', partitionKey: '/id' },
  { id: 'timeline', partitionKey: '/applicationId' },
  // Notifications: failed deliveries (the dead-letter log), webhook endpoints (URLs and secrets sealed),
  // per-user in-app inboxes (kept 90 days).
  { id: 'deadLetters', partitionKey: '/tenantId' },
  { id: 'webhooks', partitionKey: '/tenantId' },
  { id: 'inbox', partitionKey: '/recipient', defaultTtl: 7_776_000 },
  { id: 'calendarConnections', partitionKey: '/recruiterId' },
  // Push channels of calendar connections, by channel id: what a Google notification names.
  { id: 'calendarChannels', partitionKey: '/id' },
  { id: 'idempotency', partitionKey: '/key', defaultTtl: 86_400 },
  // Post-transition callbacks: per-callback completion records (30 days) and the stage-SLA watcher's records.
  { id: 'callbackRuns', partitionKey: '/applicationId', defaultTtl: 2_592_000 },
  { id: 'stageSla', partitionKey: '/applicationId' },
  // Lease container for the Cosmos DB trigger: created by the deployment, never by the trigger.
  { id: 'leases', partitionKey: '/id' },
] as const satisfies readonly ContainerDefinition[];

export type ContainerId = (typeof containers)[number]['id'];
