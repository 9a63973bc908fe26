import type { CosmosClient, Database } from '@azure/cosmos';
import type { AppConfig } from './platform/config.ts';
import { createCosmosClient } from './platform/cosmos/cosmos-client.ts';
import { azureCredential } from './platform/azure-credential.ts';
import type { HealthCheck } from './platform/health.ts';
import type { BlobStore } from './documents/ports/blob-store.port.ts';
import { AzureBlobStore } from './documents/adapters/azure-blob-store.adapter.ts';
import { createDocumentsModule, type DocumentsModule } from './documents/documents.module.ts';
import type { MessageBus } from './events/ports/message-bus.port.ts';
import { ServiceBusMessageBus } from './events/adapters/service-bus-message-bus.adapter.ts';
import { DYNAMIC_STAGES_FLAG, type FeatureGate } from './flags/ports/feature-gate.port.ts';
import { FileFeatureGate } from './flags/adapters/file-feature-gate.adapter.ts';
import { AppConfigurationFeatureGate } from './flags/adapters/app-configuration-feature-gate.adapter.ts';
import { createSchedulingModule, createSchedulingReencryptor, type SchedulingModule } from './scheduling/scheduling.module.ts';
import type { Reencryptor } from './platform/crypto/reencryption.ts';
import { createTokenVerifier } from './auth/adapters/jose-token-verifier.adapter.ts';
import type { TokenVerifier } from './auth/ports/token-verifier.port.ts';
import { legacyStages } from './legacy/domain/legacy-stages.ts';
import { createStagesModule, type StagesModule } from './stages/stages.module.ts';
import { createEventsModule, type EventsModule } from './events/events.module.ts';
import { createTimelineModule, type TimelineModule } from './timeline/timeline.module.ts';
import { systemClock } from './platform/clock.ts';
import { createKeyring, type Keyring } from './platform/crypto/keyring.ts';
import { hmacSigner } from './platform/crypto/hmac-chain-signer.ts';
import { chainSignerOf } from './stages/use-cases/sign-chain.ts';
import { createNotificationsModule, type NotificationsModule } from './notifications/notifications.module.ts';
import type { DeliveryBacklog } from './notifications/ports/notification-queues.port.ts';
import { ServiceBusDeliveryBacklog } from './notifications/adapters/service-bus-delivery-backlog.adapter.ts';
import { WebhooksReencryptor } from './notifications/adapters/webhooks-reencryptor.adapter.ts';

/** Everything the entry points need, built once from configuration. */
export interface Services {
  readonly config: AppConfig;
  readonly cosmos: CosmosClient;
  readonly database: Database;
  readonly blobs: BlobStore;
  readonly bus: MessageBus;
  readonly flags: FeatureGate;
  readonly auth: TokenVerifier;
  /** Keys for secrets stored encrypted; the current one encrypts, all decrypt. */
  readonly keyring: Keyring;
  /** Stage use cases, idempotency store and their Cosmos request meter. */
  readonly stages: StagesModule;
  /** Upload intents, the content gate, verified documents and their read URLs (issue 11). */
  readonly documents: DocumentsModule;
  /** Timeline, post-transition callback registry and their stores (issue 5). */
  readonly events: EventsModule;
  /** The hash-chained timeline: its store (reads, verify) and the appender the publisher uses. */
  readonly timeline: TimelineModule;
  /** Inboxes, webhooks, delivery and the dead-letter log (issue 12). Its `reencryptor` re-seals webhook URLs and secrets. */
  readonly notifications: NotificationsModule;
  /** Calendar connections, slots, scheduled calls, status sync (issue 10). */
  readonly scheduling: SchedulingModule;
  /** Everything that holds sealed values, for the key rotation command (`npm run rotate-keys`). */
  readonly reencryptors: readonly Reencryptor[];
  readonly healthChecks: readonly HealthCheck[];
  close(): Promise<void>;
}

/** Adapters a host may supply itself: the local host brings its in-process broker. */
export interface AdapterOverrides {
  readonly bus?: MessageBus;
  /** The retry backlog (scheduled deliveries) from the host's own broker. */
  readonly deliveryBacklog?: DeliveryBacklog;
  /** Where services write operational lines (default: the console). */
  readonly log?: (line: string) => void;
}

export function buildServices(config: AppConfig, overrides: AdapterOverrides = {}): Services {
  const cosmos = createCosmosClient(config.cosmos);
  const database = cosmos.database(config.cosmos.databaseName);
  const blobs = new AzureBlobStore(
    config.documents.kind === 'connectionString'
      ? config.documents
      : { kind: 'identity', blobServiceUri: config.documents.blobServiceUri, credential: azureCredential(config.documents.clientId) },
  );
  const bus = overrides.bus ?? busFromConfig(config);
  const flags: FeatureGate =
    config.flags.kind === 'file'
      ? new FileFeatureGate(config.flags)
      : new AppConfigurationFeatureGate({ endpoint: config.flags.endpoint, credential: azureCredential(config.identity.clientId), refreshIntervalMs: config.flags.refreshIntervalMs });

  const auth = createTokenVerifier(config.auth);
  const keyring = createKeyring(config.encryption.keys, config.encryption.currentKeyId);
  const chainSigner = chainSignerOf(hmacSigner(createKeyring(config.timelineSigning.keys, config.timelineSigning.currentKeyId)));
  // Documents, scheduling and stages need each other: stages resolve and link documents through the
  // documents' ports and book interviews through scheduling's; both reach the stage commands
  // (documents through a thunk, scheduling once the stages exist).
  const documents = createDocumentsModule({
    database,
    blobs,
    bus,
    stages: () => stages.useCases,
    clock: systemClock,
    uploadUrlTtlMinutes: config.uploads.uploadUrlTtlMinutes,
    readUrlTtlMinutes: config.uploads.readUrlTtlMinutes,
  });
  let scheduling: SchedulingModule | undefined;
  const stages: StagesModule = createStagesModule({
    database,
    flags,
    clock: systemClock,
    legacy: legacyStages,
    signer: chainSigner,
    published: { isPublished: (...args) => timeline.published.isPublished(...args) },
    documents: documents.verifiedDocuments,
    documentLinks: documents.documentLinks,
    interviews: { createScheduledInterview: (...args) => scheduling!.interviewBooking.createScheduledInterview(...args) },
  });
  scheduling = createSchedulingModule({ database, calendar: config.calendar, stages: stages.useCases, bus, keyring, clock: systemClock, meter: stages.requests });
  // Declared after the stages (it counts on their meter); the stages reach it through `published` only when they mutate.
  const timeline: TimelineModule = createTimelineModule(database, chainSigner, stages.requests);
  const notifications = createNotificationsModule({
    database,
    bus,
    keyring,
    applications: stages.repository,
    settings: config.notifications,
    environment: config.environment,
    backlog: overrides.deliveryBacklog ?? deliveryBacklogFromConfig(config),
    ...(overrides.log === undefined ? {} : { log: overrides.log }),
  });

  const healthChecks: HealthCheck[] = [
    { name: 'cosmos', check: async () => void (await database.read()) },
    { name: 'blob', check: () => blobs.check() },
    { name: 'bus', check: () => bus.check() },
    {
      name: 'flags',
      check: async () => {
        const state = await flags.state(DYNAMIC_STAGES_FLAG);
        if (state.status === 'unavailable') throw new Error(`${DYNAMIC_STAGES_FLAG} unavailable from ${flags.source}: ${state.reason}`);
        return { source: flags.source, [DYNAMIC_STAGES_FLAG]: state.status };
      },
    },
    { name: 'calendar', check: () => scheduling.health() },
  ];

  return {
    config,
    cosmos,
    database,
    blobs,
    bus,
    flags,
    auth,
    keyring,
    stages,
    documents,
    events: createEventsModule(database, systemClock, { applications: stages.repository, timeline: timeline.appender, meter: stages.requests }),
    timeline,
    notifications,
    scheduling,
    reencryptors: reencryptorsOf(database),
    healthChecks,
    async close() {
      notifications.close();
      await Promise.allSettled([flags.close(), overrides.bus ? Promise.resolve() : bus.close()]);
      cosmos.dispose();
    },
  };
}

/**
 * Every holder of sealed values, re-encrypted by `npm run rotate-keys` (the command builds only
 * this and the keyring): one line per capability that encrypts.
 */
export function reencryptorsOf(database: Database): Reencryptor[] {
  return [
    createSchedulingReencryptor(database),
    new WebhooksReencryptor(database.container('webhooks')),
  ];
}

function busFromConfig(config: AppConfig): MessageBus {
  if (config.bus.kind === 'local') {
    throw new Error("ServiceBusConnection=UseLocalBroker=true works only inside the local host (npm start), which supplies its broker.");
  }
  return new ServiceBusMessageBus({ fullyQualifiedNamespace: config.bus.fullyQualifiedNamespace, credential: azureCredential(config.bus.clientId) });
}

function deliveryBacklogFromConfig(config: AppConfig): DeliveryBacklog {
  if (config.bus.kind === 'local') return { scheduledDeliveries: async () => 0 };
  return new ServiceBusDeliveryBacklog({ fullyQualifiedNamespace: config.bus.fullyQualifiedNamespace, credential: azureCredential(config.bus.clientId) });
}
