/**
 * The one definition of the Cosmos DB database and its containers. The local host creates
 * them at start; `infra/modules/cosmos.bicep` declares the same ids, partition keys, TTLs and
 * indexed paths (`test/infra/infra-declarations.test.ts` compares them).
 */
export interface ContainerDefinition {
  readonly id: string;
  /**
   * The partition key path, or the paths of a hierarchical key (`kind: MultiHash`, version 2).
   * Data that belongs to a tenant's application is keyed `[/tenantId, /applicationId]`: ids are
   * unique per tenant (two tenants may hold the same application id), and a tenant's data can be
   * queried by the key's first level alone without reading any other tenant's partitions.
   */
  readonly partitionKey: string | readonly string[];
  /** Default time-to-live in seconds; -1 = items expire only when they carry their own `ttl`. */
  readonly defaultTtl?: number;
  /**
   * The only paths Azure Cosmos DB indexes (its `includedPaths`; every other path excluded):
   * what the container's queries filter and sort on. Every indexed value costs 0.2 RU on each
   * write that adds or removes it, so a container written often and queried on a few fields
   * indexes just those. Absent: every path (the default policy). The local server creates each
   * container with this policy (`indexingPolicyOf`) and refuses an ORDER BY on a path it leaves
   * out, as Azure does; it does not charge for terms.
   */
  readonly indexedPaths?: readonly string[];
}

/** The hierarchical key of everything that belongs to one application of one tenant. */
const byApplication = ['/tenantId', '/applicationId'] as const;
/** The hierarchical key of a recruiter's data (recruiter ids are subjects, unique only within a tenant). */
const byRecruiter = ['/tenantId', '/recruiterId'] as const;

/**
 * What the board query (`shared/stages/adapters/cosmos-board-query.ts`) filters and sorts on,
 * the only query on `applications` (`test/shared/stages/board-query-index.test.ts` checks that
 * every path it names is here). ORDER BY needs its path indexed; a filter on a path left out
 * would still answer, by reading every document of the tenant.
 */
const boardPaths = [
  '/tenantId/?',
  '/applicationId/?',
  '/jobId/?',
  '/candidateId/?',
  '/createdAt/?',
  '/stages/[]/type/?',
  '/stages/[]/status/?',
  '/legacyStatus/?',
  '/legacyScheduledCallId/?',
] as const;

export const containers = [
  // Replaced on every stage mutation: indexes only what the board queries (~50 index terms fewer to rewrite per replace).
  { id: 'applications', partitionKey: byApplication, indexedPaths: boardPaths },
  { id: 'scheduledCalls', partitionKey: byApplication },
  { id: 'slots', partitionKey: byRecruiter },
  // Verified documents (id = documentId), read by application: offer-letter resolution, read URLs.
  { id: 'uploads', partitionKey: byApplication },
  // Upload intents (id = uploadId): the blob trigger and GET /api/uploads/{id} know only the upload id.
  { id: 'uploadIntents', partitionKey: '/id' },
  // One entry per stage event, never changed: indexes only what the timeline pages filter and sort on.
  { id: 'timeline', partitionKey: byApplication, indexedPaths: ['/applicationId/?', '/seq/?', '/event/visibleToCandidate/?', '/event/kind/?', '/event/stageId/?'] },
  // Notifications: failed deliveries (the dead-letter log), webhook endpoints (URLs and secrets sealed),
  // per-user in-app inboxes (kept 90 days).
  { id: 'deadLetters', partitionKey: '/tenantId' },
  { id: 'webhooks', partitionKey: '/tenantId' },
  // Written once per notified person per event and deleted by TTL: indexes only what the inbox
  // queries (`cosmos-inbox-store.adapter.ts`) filter and sort on, and `_ts` (what TTL counts from,
  // indexed as under the default policy).
  { id: 'inbox', partitionKey: '/recipient', defaultTtl: 7_776_000, indexedPaths: ['/recipient/?', '/readAt/?', '/occurredAt/?', '/_ts/?'] },
  // Rewritten by every calendar poll (5 minutes, the sync token): listed by kind and state only
  // (`cosmos-connection-store.adapter.ts`); sealed tokens and channels are never queried.
  { id: 'calendarConnections', partitionKey: byRecruiter, indexedPaths: ['/kind/?', '/state/?'] },
  // Push channels of calendar connections, by channel id: what a Google notification names.
  { id: 'calendarChannels', partitionKey: '/id' },
  { id: 'idempotency', partitionKey: '/key', defaultTtl: 86_400 },
  // Post-transition callbacks: per-callback completion records (30 days) and the stage-SLA watcher's records.
  { id: 'callbackRuns', partitionKey: byApplication, defaultTtl: 2_592_000 },
  // Rewritten on every stage event: read by application only.
  { id: 'stageSla', partitionKey: byApplication, indexedPaths: ['/applicationId/?'] },
  // Outboxes the change-feed publisher could not publish: what the sweeper retries (usually empty).
  { id: 'strandedOutboxes', partitionKey: '/tenantId' },
  // Lease container for the Cosmos DB trigger: created by the deployment, never by the trigger.
  { id: 'leases', partitionKey: '/id' },
] as const satisfies readonly ContainerDefinition[];

export type ContainerId = (typeof containers)[number]['id'];

/** The partition key paths of a definition, as a list. */
export function partitionKeyPaths(definition: Pick<ContainerDefinition, 'partitionKey'>): readonly string[] {
  return typeof definition.partitionKey === 'string' ? [definition.partitionKey] : definition.partitionKey;
}
