import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { containers } from '../../shared/platform/cosmos-containers.ts';
import { queues, topics } from '../../shared/platform/messaging-entities.ts';
import { blobContainers, QUARANTINE_CONTAINER } from '../../shared/platform/blob-containers.ts';
import { BINDING_EXPRESSION_SETTINGS, isValidSettingValue, SETTING_NAMES } from '../../shared/platform/config.ts';
import { DELIVERIES_QUEUE } from '../../shared/notifications/adapters/service-bus-notification-queues.adapter.ts';
import { DYNAMIC_STAGES_FLAG } from '../../shared/flags/ports/feature-gate.port.ts';
import { isExpression, isoDurationMs, propertyText, readResources, readVar, type BicepValue } from './bicep-reader.ts';

export const ROOT = resolve(import.meta.dirname, '..', '..');

/** The infrastructure files the comparison reads (text, so a test can change one side only). */
export interface InfraFiles {
  readonly main: string;
  readonly cosmos: string;
  readonly serviceBus: string;
  readonly documentsStorage: string;
  readonly functionApp: string;
  readonly roleAssignments: string;
  readonly postprovision: string;
  readonly postdeploy: string;
  readonly azureYaml: string;
}

export function readInfraFiles(): InfraFiles {
  const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
  return {
    main: read('infra/main.bicep'),
    cosmos: read('infra/modules/cosmos.bicep'),
    serviceBus: read('infra/modules/service-bus.bicep'),
    documentsStorage: read('infra/modules/documents-storage.bicep'),
    functionApp: read('infra/modules/function-app.bicep'),
    roleAssignments: read('infra/modules/role-assignments.bicep'),
    postprovision: read('infra/hooks/postprovision.sh'),
    postdeploy: read('infra/hooks/postdeploy.sh'),
    azureYaml: read('azure.yaml'),
  };
}

/** What the code defines or needs, in one plain shape (tests change a copy to prove the comparison notices). */
export interface CodeDefinitions {
  readonly containers: ReadonlyArray<{ readonly id: string; readonly partitionKey: string | readonly string[]; readonly defaultTtl?: number; readonly indexedPaths?: readonly string[] }>;
  readonly queues: ReadonlyArray<{ readonly name: string; readonly maxDeliveryCount: number; readonly lockDurationMs: number; readonly duplicateDetectionWindowMs: number; readonly deadLetteringOnMessageExpiration?: boolean }>;
  readonly topics: ReadonlyArray<{
    readonly name: string;
    readonly duplicateDetectionWindowMs: number;
    readonly subscriptions: ReadonlyArray<{ readonly name: string; readonly maxDeliveryCount: number; readonly lockDurationMs: number; readonly deadLetteringOnMessageExpiration?: boolean; readonly defaultMessageTimeToLiveMs?: number; readonly filter?: { readonly applicationProperties: Readonly<Record<string, string | number | boolean>> } }>;
  }>;
  readonly blobContainers: readonly string[];
  readonly quarantineContainer: string;
  /** Every setting shared/platform/config.ts reads. */
  readonly settings: readonly string[];
  /** Settings read by `%…%` binding expressions. */
  readonly bindingSettings: readonly string[];
  /** `connection:` names of the triggers in functions/. */
  readonly connections: readonly string[];
  /** The blob-triggered function and the feature flag, named by the hooks. */
  readonly blobTriggerFunction: string;
  readonly featureFlag: string;
  /** Roles the app's identity needs, by scope (`<resource type>:<name>`), with the reason. */
  readonly appRoles: ReadonlyArray<{ readonly scope: string; readonly role: string; readonly why: string }>;
}

/** Local-only settings: keys, connection strings and files of the local host (config refuses them in Azure). */
export const LOCAL_ONLY_SETTINGS = ['CosmosConnection__key', 'CosmosConnection__caCertificatePath', 'DocumentsStorage', 'ServiceBusConnection', 'FEATURE_FLAGS_FILE', 'AUTH_JWKS_FILE'] as const;

/** Settings the Functions host reads (not the app's code): identity-based host storage, host telemetry auth. */
export const HOST_SETTINGS = ['AzureWebJobsStorage__blobServiceUri', 'AzureWebJobsStorage__queueServiceUri', 'AzureWebJobsStorage__credential', 'AzureWebJobsStorage__clientId', 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'] as const;

/** Settings whose value is a secret: Key Vault references in Azure. */
export const SECRET_SETTINGS = ['ENCRYPTION_KEYS', 'TIMELINE_SIGNING_KEYS', 'GOOGLE_OAUTH_CLIENT_SECRET', 'CALENDAR_OAUTH_STATE_KEY'] as const;

/** The service URI property each connection needs besides `__credential` and `__clientId`. */
const CONNECTION_ENDPOINTS: Readonly<Record<string, readonly string[]>> = {
  CosmosConnection: ['accountEndpoint'],
  ServiceBusConnection: ['fullyQualifiedNamespace'],
  // The blob trigger's extension uses the queue service for its poison queue.
  DocumentsStorage: ['blobServiceUri', 'queueServiceUri'],
};

export const ROLE_IDS = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  storageBlobDelegator: 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a',
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39',
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0',
  serviceBusDataOwner: '090c5cfd-751d-490a-894a-3ce6f1109419',
  appConfigurationDataReader: '516239f1-63e1-4d78-a4de-a74fb236a071',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
  cosmosDataContributor: '00000000-0000-0000-0000-000000000002',
} as const;

function functionsSources(): string {
  const dir = join(ROOT, 'functions');
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts')).map((file) => readFileSync(join(dir, file), 'utf8')).join('\n');
}

export function codeDefinitions(): CodeDefinitions {
  const sources = functionsSources();
  const blobTrigger = /app\.storageBlob\('(\w+)'/.exec(sources);
  if (!blobTrigger) throw new Error('no app.storageBlob registration in functions/');
  const storage = (name: string) => `Microsoft.Storage/storageAccounts:${name}`;
  return {
    containers,
    queues,
    topics,
    blobContainers: blobContainers.map((container) => container.name),
    quarantineContainer: QUARANTINE_CONTAINER,
    settings: SETTING_NAMES,
    bindingSettings: BINDING_EXPRESSION_SETTINGS,
    connections: [...new Set([...sources.matchAll(/connection: '(\w+)'/g)].map((match) => match[1]!))].sort(),
    blobTriggerFunction: blobTrigger[1]!,
    featureFlag: DYNAMIC_STAGES_FLAG,
    appRoles: [
      { scope: storage('hostStorageName'), role: ROLE_IDS.storageBlobDataOwner, why: 'AzureWebJobsStorage: timers, blob receipts, deployment package' },
      { scope: storage('hostStorageName'), role: ROLE_IDS.storageQueueDataContributor, why: "AzureWebJobsStorage: the host's internal queues" },
      { scope: storage('documentsStorageName'), role: ROLE_IDS.storageBlobDataContributor, why: 'AzureBlobStore: the content gate reads, writes and deletes blobs' },
      { scope: storage('documentsStorageName'), role: ROLE_IDS.storageBlobDelegator, why: 'AzureBlobStore: user-delegation SAS for upload and read URLs' },
      { scope: storage('documentsStorageName'), role: ROLE_IDS.storageQueueDataContributor, why: "the blob trigger's poison queue" },
      { scope: 'Microsoft.ServiceBus/namespaces', role: ROLE_IDS.serviceBusDataSender, why: 'ServiceBusMessageBus sends to queues and the topic' },
      { scope: 'Microsoft.ServiceBus/namespaces', role: ROLE_IDS.serviceBusDataReceiver, why: 'the Service Bus triggers (queues and topic subscriptions)' },
      { scope: `Microsoft.ServiceBus/namespaces/queues:${DELIVERIES_QUEUE}`, role: ROLE_IDS.serviceBusDataOwner, why: "ServiceBusDeliveryBacklog reads the queue's runtime properties (Manage)" },
      { scope: 'Microsoft.AppConfiguration/configurationStores:appConfigurationName', role: ROLE_IDS.appConfigurationDataReader, why: 'AppConfigurationFeatureGate' },
      { scope: 'Microsoft.KeyVault/vaults:keyVaultName', role: ROLE_IDS.keyVaultSecretsUser, why: 'Key Vault references in app settings' },
      { scope: 'Microsoft.Insights/components:applicationInsightsName', role: ROLE_IDS.monitoringMetricsPublisher, why: 'telemetry with Entra ID (local authentication off)' },
      { scope: 'Microsoft.DocumentDB/databaseAccounts', role: ROLE_IDS.cosmosDataContributor, why: 'the Cosmos DB client and trigger (data-plane RBAC)' },
    ],
  };
}

const asArray = (value: BicepValue | undefined): BicepValue[] => (Array.isArray(value) ? value : []);
const asObject = (value: BicepValue | undefined): Record<string, BicepValue> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !isExpression(value) ? (value as Record<string, BicepValue>) : {};
const show = (value: unknown) => JSON.stringify(value);

/** Compares both sides by name: missing on either side, then each field that differs. */
function compareByName<C, B>(
  what: string,
  code: ReadonlyArray<C>,
  bicep: ReadonlyArray<B>,
  name: { code: (item: C) => string; bicep: (item: B) => string },
  fields: ReadonlyArray<[string, (item: C) => unknown, (item: B) => unknown]>,
  out: string[],
): void {
  const bicepByName = new Map(bicep.map((item) => [name.bicep(item), item]));
  const codeNames = new Set(code.map(name.code));
  for (const item of code) {
    const declared = bicepByName.get(name.code(item));
    if (declared === undefined) {
      out.push(`${what} ${name.code(item)}: defined in code, not declared in Bicep`);
      continue;
    }
    for (const [field, fromCode, fromBicep] of fields) {
      const expected = fromCode(item);
      const actual = fromBicep(declared);
      if (show(expected) !== show(actual)) out.push(`${what} ${name.code(item)}: ${field} is ${show(expected)} in code, ${show(actual)} in Bicep`);
    }
  }
  for (const declared of bicepByName.keys()) if (!codeNames.has(declared)) out.push(`${what} ${declared}: declared in Bicep, not defined in code`);
}

/** Every difference between what the code defines and what the Bicep declares (empty: they agree). */
export function declarationDifferences(code: CodeDefinitions, infra: InfraFiles): string[] {
  const out: string[] = [];
  compareEntities(code, infra, out);
  compareSettings(code, infra, out);
  compareRoles(code, infra, out);
  compareHooks(code, infra, out);
  return out;
}

function compareEntities(code: CodeDefinitions, infra: InfraFiles, out: string[]): void {
  const bicepContainers = asArray(readVar(infra.cosmos, 'containers')).map(asObject);
  compareByName('Cosmos DB container', code.containers, bicepContainers, { code: (c) => c.id, bicep: (b) => String(b['id']) }, [
    ['partition key paths', (c) => (typeof c.partitionKey === 'string' ? [c.partitionKey] : [...c.partitionKey]), (b) => b['partitionKeyPaths']],
    ['default TTL', (c) => c.defaultTtl ?? null, (b) => b['defaultTtl'] ?? null],
    ['indexed paths', (c) => (c.indexedPaths === undefined ? null : [...c.indexedPaths]), (b) => b['indexedPaths'] ?? null],
  ], out);
  if (!/container\.\?indexedPaths == null[\s\S]*includedPaths: map\(container\.indexedPaths[\s\S]*path: '\/\*'/.test(infra.cosmos)) {
    out.push('Cosmos DB containers: a container with indexedPaths must include only those and exclude /*');
  }
  // Hierarchical keys (more than one path) must be declared MultiHash version 2.
  if (!/length\(container\.partitionKeyPaths\) > 1\s*\?\s*\{\s*paths: container\.partitionKeyPaths\s*kind: 'MultiHash'\s*version: 2/.test(infra.cosmos)) {
    out.push('Cosmos DB containers: a partition key with several paths is not declared kind MultiHash, version 2');
  }

  const bicepQueues = asArray(readVar(infra.serviceBus, 'queues')).map(asObject);
  compareByName('Service Bus queue', code.queues, bicepQueues, { code: (q) => q.name, bicep: (b) => String(b['name']) }, [
    ['maxDeliveryCount', (q) => q.maxDeliveryCount, (b) => b['maxDeliveryCount']],
    ['lock duration (ms)', (q) => q.lockDurationMs, (b) => isoDurationMs(String(b['lockDuration']))],
    ['duplicate detection window (ms)', (q) => q.duplicateDetectionWindowMs, (b) => isoDurationMs(String(b['duplicateDetectionHistoryTimeWindow']))],
    ['dead-lettering on expiration', (q) => q.deadLetteringOnMessageExpiration ?? false, (b) => b['deadLetteringOnMessageExpiration'] ?? false],
  ], out);

  const bicepTopics = asArray(readVar(infra.serviceBus, 'topics')).map(asObject);
  compareByName('Service Bus topic', code.topics, bicepTopics, { code: (t) => t.name, bicep: (b) => String(b['name']) }, [
    ['duplicate detection window (ms)', (t) => t.duplicateDetectionWindowMs, (b) => isoDurationMs(String(b['duplicateDetectionHistoryTimeWindow']))],
  ], out);

  const codeSubscriptions = code.topics.flatMap((topic) => topic.subscriptions.map((subscription) => ({ ...subscription, path: `${topic.name}/${subscription.name}` })));
  const bicepSubscriptions = asArray(readVar(infra.serviceBus, 'subscriptions')).map(asObject);
  compareByName('Service Bus subscription', codeSubscriptions, bicepSubscriptions, { code: (s) => s.path, bicep: (b) => `${String(b['topic'])}/${String(b['name'])}` }, [
    ['maxDeliveryCount', (s) => s.maxDeliveryCount, (b) => b['maxDeliveryCount']],
    ['lock duration (ms)', (s) => s.lockDurationMs, (b) => isoDurationMs(String(b['lockDuration']))],
    ['dead-lettering on expiration', (s) => s.deadLetteringOnMessageExpiration ?? false, (b) => b['deadLetteringOnMessageExpiration'] ?? false],
    ['default message time to live (ms)', (s) => s.defaultMessageTimeToLiveMs ?? null, (b) => (b['defaultMessageTimeToLive'] === undefined ? null : isoDurationMs(String(b['defaultMessageTimeToLive'])))],
    // Correlation filter values are strings in Service Bus rules.
    ['correlation filter', (s) => Object.fromEntries(Object.entries(s.filter?.applicationProperties ?? {}).map(([key, value]) => [key, String(value)])), (b) => b['correlationFilter'] ?? {}],
  ], out);
  if (!/requiresDuplicateDetection: true[\s\S]*requiresDuplicateDetection: true/.test(infra.serviceBus)) out.push('Service Bus: queues and topics must require duplicate detection (messageId = event id)');

  const bicepBlobs = asArray(readVar(infra.documentsStorage, 'blobContainers')).map(asObject);
  compareByName('blob container', code.blobContainers, bicepBlobs, { code: (name) => name, bicep: (b) => String(b['name']) }, [], out);
  if (!infra.documentsStorage.includes(`'${code.quarantineContainer}/'`)) out.push(`documents storage: no lifecycle rule on the ${code.quarantineContainer}/ prefix`);
  if (readVar(infra.documentsStorage, 'quarantineRetentionDays') !== 1) out.push('documents storage: quarantine blobs must be deleted after 1 day');
}

/** The app settings declared for the Function App: the `appSettings` object and the keys of `optionalAppSettings`. */
export function declaredAppSettings(functionApp: string): Map<string, BicepValue> {
  const settings = new Map(Object.entries(asObject(readVar(functionApp, 'appSettings'))));
  const optional = /^var optionalAppSettings = [\s\S]*?^\s*\}\s*$/m.exec(functionApp)?.[0] ?? '';
  for (const match of optional.matchAll(/^\s+([A-Za-z_][A-Za-z0-9_]*): (.+)$/gm)) settings.set(match[1]!, { expr: match[2]!.trim() });
  return settings;
}

function compareSettings(code: CodeDefinitions, infra: InfraFiles, out: string[]): void {
  const declared = declaredAppSettings(infra.functionApp);
  const known = new Set<string>([...code.settings, ...HOST_SETTINGS]);
  for (const key of declared.keys()) {
    if (!known.has(key)) out.push(`app setting ${key}: declared in Bicep, read by nothing (not in shared/platform/config.ts nor a host setting)`);
  }
  for (const key of code.settings) {
    const localOnly = (LOCAL_ONLY_SETTINGS as readonly string[]).includes(key);
    if (localOnly && declared.has(key)) out.push(`app setting ${key}: local only (a key, connection string or local file), must not be declared in Azure`);
    if (!localOnly && !declared.has(key)) out.push(`app setting ${key}: read by shared/platform/config.ts, not declared in Bicep`);
  }
  for (const key of HOST_SETTINGS) if (!declared.has(key)) out.push(`app setting ${key}: the Functions host needs it, not declared in Bicep`);
  for (const key of code.bindingSettings) if (!declared.has(key)) out.push(`app setting ${key}: read by a binding expression (%${key}%), not declared in Bicep`);
  if (declared.has('FUNCTIONS_WORKER_RUNTIME')) out.push('app setting FUNCTIONS_WORKER_RUNTIME: Flex Consumption takes functionAppConfig.runtime instead');
  if (!/runtime: \{\s*name: 'node'\s*version: nodeVersion/.test(infra.functionApp)) out.push('function app: functionAppConfig.runtime is not node');
  if (declared.get('STAGELINE_ENVIRONMENT') !== 'azure') out.push("app setting STAGELINE_ENVIRONMENT: must be 'azure'");

  // One identity: every connection the triggers use is identity-based with the same client id as AZURE_CLIENT_ID.
  const clientId = show(declared.get('AZURE_CLIENT_ID'));
  for (const connection of [...code.connections, 'AzureWebJobsStorage']) {
    if (declared.get(`${connection}__credential`) !== 'managedidentity') out.push(`connection ${connection}: ${connection}__credential must be 'managedidentity' (the extensions ignore __clientId without it)`);
    if (show(declared.get(`${connection}__clientId`)) !== clientId) out.push(`connection ${connection}: ${connection}__clientId must be the identity of AZURE_CLIENT_ID`);
    for (const property of CONNECTION_ENDPOINTS[connection] ?? []) {
      if (!declared.has(`${connection}__${property}`)) out.push(`connection ${connection}: ${connection}__${property} not declared`);
    }
  }

  // Literal values must be valid for the setting they set (a typo fails here, not at the app's start).
  for (const [key, value] of declared) {
    if (typeof value === 'string' && (code.settings as readonly string[]).includes(key) && !isValidSettingValue(key, value)) out.push(`app setting ${key}: '${value}' is not a valid value`);
  }

  // Secrets are Key Vault references to secrets the postprovision hook creates.
  for (const key of SECRET_SETTINGS) {
    const value = declared.get(key);
    const secret = isExpression(value) ? /^'@Microsoft\.KeyVault\(SecretUri=\$\{secrets\}\/([A-Za-z0-9-]+)\/\)'$/.exec(value.expr)?.[1] : undefined;
    if (secret === undefined) {
      out.push(`app setting ${key}: a secret, must be a Key Vault reference`);
      continue;
    }
    if (!new RegExp(`^seed_secret ${secret} `, 'm').test(infra.postprovision)) out.push(`Key Vault secret ${secret} (${key}): not created by infra/hooks/postprovision.sh`);
  }
}

interface DeclaredRole {
  readonly principal: string;
  readonly scope: string;
  readonly role: string;
}

/** Role assignments of one file: scope resolved to `<type>:<name>` (or the type of the file's own resource), role to its id. */
function rolesIn(text: string): DeclaredRole[] {
  const resources = readResources(text);
  const literal = (expression: string): string => {
    const match = /^(\w+)$/.exec(expression);
    if (match && new RegExp(`^var ${match[1]} = '`, 'm').test(text)) return String(readVar(text, match[1]!));
    return expression;
  };
  const roles: DeclaredRole[] = [];
  for (const resource of resources) {
    if (resource.type === 'Microsoft.Authorization/roleAssignments') {
      const scopeSymbol = propertyText(resource.body, 'scope') ?? '';
      const target = resources.find((candidate) => candidate.symbol === scopeSymbol);
      const targetName = target === undefined ? '?' : literal(propertyText(target.body, 'name') ?? '?');
      const roleVar = /roleDefinitions', (\w+)\)/.exec(propertyText(resource.body, 'roleDefinitionId') ?? '')?.[1] ?? '?';
      roles.push({
        principal: propertyText(resource.body, 'principalId') ?? '?',
        scope: target === undefined ? scopeSymbol : target.existing ? `${target.type}:${targetName}` : target.type,
        role: literal(roleVar),
      });
    }
    if (resource.type === 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments') {
      const roleVar = /sqlRoleDefinitions\/\$\{(\w+)\}/.exec(propertyText(resource.body, 'roleDefinitionId') ?? '')?.[1] ?? '?';
      roles.push({ principal: propertyText(resource.body, 'principalId') ?? '?', scope: 'Microsoft.DocumentDB/databaseAccounts', role: literal(roleVar) });
    }
  }
  return roles;
}

function compareRoles(code: CodeDefinitions, infra: InfraFiles, out: string[]): void {
  const declared = [infra.roleAssignments, infra.serviceBus, infra.cosmos].flatMap(rolesIn).filter((role) => role.principal === 'principalId');
  const key = (role: { scope: string; role: string }) => `${role.role} on ${role.scope}`;
  const declaredKeys = new Set(declared.map(key));
  for (const role of code.appRoles) if (!declaredKeys.has(key(role))) out.push(`role ${key(role)}: needed by the app (${role.why}), not assigned in Bicep`);
  const needed = new Set(code.appRoles.map(key));
  for (const role of declared) if (!needed.has(key(role))) out.push(`role ${key(role)}: assigned to the app's identity in Bicep, needed by nothing the code does`);
}

function compareHooks(code: CodeDefinitions, infra: InfraFiles, out: string[]): void {
  if (!infra.postdeploy.includes(`FUNCTION=${code.blobTriggerFunction}\n`)) out.push(`postdeploy hook: does not subscribe the blob trigger ${code.blobTriggerFunction}`);
  if (!infra.postdeploy.includes(`CONTAINER=${code.quarantineContainer}\n`)) out.push(`postdeploy hook: does not filter on the ${code.quarantineContainer} container`);
  if (!infra.postprovision.includes(`FLAG=${code.featureFlag}\n`)) out.push(`postprovision hook: does not create the ${code.featureFlag} flag`);
  for (const hook of ['postprovision', 'postdeploy']) {
    if (!new RegExp(`${hook}:\\s*\\n\\s*posix:\\s*\\n\\s*shell: sh\\s*\\n\\s*run: \\./infra/hooks/${hook}\\.sh`).test(infra.azureYaml)) out.push(`azure.yaml: the ${hook} hook does not run infra/hooks/${hook}.sh`);
  }
}
