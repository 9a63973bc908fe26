import { join } from 'node:path';
import type { CosmosClient } from '@azure/cosmos';
import type { LocalBroker } from '../broker/local-broker.ts';
import { toServiceBusTriggerInput } from '../broker/service-bus-trigger-input.ts';
import type { LocalChangeFeed } from '../cosmos/local-change-feed.ts';
import { startCosmosTrigger } from '../cosmos/cosmos-trigger-runner.ts';
import { createCosmosClient } from '../../shared/platform/cosmos/cosmos-client.ts';
import { startTimerTrigger } from './timer-trigger.ts';
import { startBlobTrigger } from './blob-trigger.ts';
import type { RegisteredFunction } from './function-registry.ts';
import { resolveSetting } from './local-settings.ts';
import { retryDelayMs } from './timer-retry-policy.ts';
import { createInvocationContext, describeError } from './http-invocation.ts';
import { inInvocationSpan } from './invocation-span.ts';
import { contextFromTraceProperties } from '../../shared/platform/trace-context.ts';

export interface TriggerSet {
  /** Makes change-feed triggers poll now instead of waiting for their poll delay. */
  pokeChangeFeeds(): void;
  /** Makes blob triggers scan now. */
  scanBlobs(): Promise<void>;
  close(): Promise<void>;
}

export interface TriggerRunnerOptions {
  readonly functions: readonly RegisteredFunction[];
  readonly settings: Readonly<Record<string, string>>;
  readonly dataDir: string;
  readonly broker: LocalBroker;
  readonly cosmos: { readonly endpoint: string; readonly key: string; readonly caCertificatePath: string; readonly changeFeed: Pick<LocalChangeFeed, 'onChange'> };
  readonly connectionString: string;
  readonly log: (line: string) => void;
}

interface Running {
  close(): Promise<void>;
}

/** Starts a runner for every non-HTTP function the app registered. */
export async function startTriggers(options: TriggerRunnerOptions): Promise<TriggerSet> {
  const { settings, log } = options;
  const running: Running[] = [];
  const changeFeeds: Array<{ poke(): void }> = [];
  const blobs: Array<{ scanNow(): Promise<void> }> = [];
  let cosmosClient: CosmosClient | undefined;

  for (const fn of options.functions) {
    const trigger = fn.trigger;
    switch (trigger.type) {
      case 'httpTrigger':
        break;
      case 'timerTrigger':
        running.push(await startTimerTrigger({ fn, settings, statusDir: join(options.dataDir, 'timers'), log }));
        break;
      case 'blobTrigger': {
        const runner = startBlobTrigger({ fn, connectionString: options.connectionString, hostId: 'stageline-local', log: (level, message) => log(`[${fn.name}] ${level}: ${message}`) });
        running.push(runner);
        blobs.push(runner);
        break;
      }
      case 'serviceBusTrigger': {
        const queue = resolveSetting(trigger.queueName, settings);
        const topic = resolveSetting(trigger.topicName, settings);
        const subscription = resolveSetting(trigger.subscriptionName, settings);
        const path = queue ?? `${topic}/Subscriptions/${subscription}`;
        const subscriptionHandle = options.broker.subscribe(
          path,
          async (message) => {
            const { input, triggerMetadata } = toServiceBusTriggerInput(message);
            // The sender's trace continues here (Azure: the host starts the span from the message, the instrumentation hands it on).
            const parent = contextFromTraceProperties(message.applicationProperties);
            await inInvocationSpan(fn.name, 'consumer', parent, async () => fn.handler(input, createInvocationContext({ fn, log, triggerMetadata })));
          },
          {
            autoComplete: trigger.autoCompleteMessages !== false,
            onError: (error, message) =>
              log(`[${fn.name}] failed${message ? ` (messageId ${message.messageId}, delivery ${message.deliveryCount})` : ''}: ${describeError(error)}`),
          },
        );
        running.push(subscriptionHandle);
        break;
      }
      case 'cosmosDBTrigger': {
        cosmosClient ??= createCosmosClient({ endpoint: options.cosmos.endpoint, auth: { kind: 'key', key: options.cosmos.key }, caCertificatePath: options.cosmos.caCertificatePath });
        const retry = fn.retryOptions;
        const runner = await startCosmosTrigger({
          client: cosmosClient,
          databaseName: resolveSetting(trigger.databaseName, settings) ?? 'stageline',
          containerName: resolveSetting(trigger.containerName, settings) ?? '',
          leaseContainerName: resolveSetting(trigger.leaseContainerName, settings) ?? 'leases',
          leaseId: `${resolveSetting(trigger.leaseContainerPrefix, settings) ?? ''}${fn.name}`,
          feedPollDelayMs: typeof trigger.feedPollDelay === 'number' ? trigger.feedPollDelay : 5000,
          maxItemsPerInvocation: typeof trigger.maxItemsPerInvocation === 'number' ? trigger.maxItemsPerInvocation : 100,
          startFromBeginning: trigger.startFromBeginning === true,
          ...(retry ? { retry: { maxRetryCount: retry.maxRetryCount, delayMs: (retryIndex: number) => retryDelayMs(retry, retryIndex) } } : {}),
          handler: async (documents) => {
            await fn.handler(documents, createInvocationContext({ fn, log, triggerMetadata: {} }));
          },
          log,
        });
        const databaseName = resolveSetting(trigger.databaseName, settings) ?? 'stageline';
        const containerName = resolveSetting(trigger.containerName, settings) ?? '';
        // Azure polls every feedPollDelay; locally a write to the watched container wakes the runner at once.
        const unsubscribe = options.cosmos.changeFeed.onChange((db, container) => {
          if (db === databaseName && container === containerName) runner.poke();
        });
        running.push({ close: async () => (unsubscribe(), runner.close()) });
        changeFeeds.push(runner);
        break;
      }
      default:
        log(`[local host] ${fn.name}: trigger type ${trigger.type} is not supported locally; it will not run.`);
    }
  }

  return {
    pokeChangeFeeds: () => changeFeeds.forEach((feed) => feed.poke()),
    scanBlobs: async () => void (await Promise.all(blobs.map((blob) => blob.scanNow()))),
    async close() {
      await Promise.allSettled(running.map((runner) => runner.close()));
      cosmosClient?.dispose();
    },
  };
}
