import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeDefinitions, declarationDifferences, declaredAppSettings, readInfraFiles, ROOT, type CodeDefinitions, type InfraFiles } from './infra-declarations.ts';
import { isoDurationMs, readVar } from './bicep-reader.ts';

/**
 * The infrastructure (azure.yaml + infra/) against the code, both ways: every Cosmos DB container
 * (id, partition key paths, TTL), queue, topic, subscription (limits, dead-lettering, filter), blob
 * container, app setting, connection and role the code defines or needs is declared, and nothing is
 * declared that the code does not define. No Bicep compiler runs here: `bicep-reader.ts` reads the
 * declarations as text (infra/README.md says how to validate with `az bicep build` where it exists).
 */
const code = codeDefinitions();
const infra = readInfraFiles();

describe('infrastructure declarations', () => {
  it('declare exactly what the code defines', () => {
    expect(declarationDifferences(code, infra)).toEqual([]);
  });

  it('declare every Cosmos DB container of the code, leases (/id) included, and the Service Bus entities', () => {
    const declared = (readVar(infra.cosmos, 'containers') as Array<{ id: string; partitionKeyPaths: string[] }>).map((container) => container.id);
    expect(declared).toContain('leases');
    expect(declared).toHaveLength(code.containers.length);
    expect((readVar(infra.serviceBus, 'queues') as unknown[]).length).toBe(code.queues.length);
  });
});

/** Applies `change` to a copy of the code's definitions. */
function codeWith(change: (definitions: { -readonly [K in keyof CodeDefinitions]: any }) => void): CodeDefinitions {
  const copy = structuredClone({ ...code }) as { -readonly [K in keyof CodeDefinitions]: any };
  change(copy);
  return copy;
}

/** The infrastructure files with one text replacement (which must apply). */
function infraWith(file: keyof InfraFiles, from: string | RegExp, to: string): InfraFiles {
  const changed = infra[file].replace(from, to);
  if (changed === infra[file]) throw new Error(`the replacement of ${String(from)} did not apply to ${file}`);
  return { ...infra, [file]: changed };
}

describe('the comparison notices a change on one side only', () => {
  it('a container switched to a hierarchical partition key in code only', () => {
    const differences = declarationDifferences(codeWith((c) => {
      c.containers = c.containers.map((container: { id: string }) => (container.id === 'deadLetters' ? { ...container, partitionKey: ['/tenantId', '/webhookId'] } : container));
    }), infra);
    expect(differences).toEqual(['Cosmos DB container deadLetters: partition key paths is ["/tenantId","/webhookId"] in code, ["/tenantId"] in Bicep']);
  });

  it('the same hierarchical key on both sides agrees (declared MultiHash by the container module)', () => {
    const hierarchical = codeWith((c) => {
      c.containers = c.containers.map((container: { id: string }) => (container.id === 'webhooks' ? { ...container, partitionKey: ['/tenantId', '/kind'] } : container));
    });
    const bicep = infraWith('cosmos', /id: 'webhooks'\n    partitionKeyPaths: \[\n      '\/tenantId'\n    \]/, "id: 'webhooks'\n    partitionKeyPaths: [\n      '/tenantId'\n      '/kind'\n    ]");
    expect(declarationDifferences(hierarchical, bicep)).toEqual([]);
    expect(declarationDifferences(hierarchical, { ...bicep, cosmos: bicep.cosmos.replace("kind: 'MultiHash'", "kind: 'Hash'") })).toEqual([
      'Cosmos DB containers: a partition key with several paths is not declared kind MultiHash, version 2',
    ]);
  });

  it('a TTL changed in code, a container added in code, a container left in Bicep', () => {
    expect(declarationDifferences(codeWith((c) => {
      c.containers = [...c.containers.filter((container: { id: string }) => container.id !== 'stageSla'), { id: 'drafts', partitionKey: '/applicationId' }].map((container: { id: string }) =>
        container.id === 'idempotency' ? { ...container, defaultTtl: 3600 } : container);
    }), infra)).toEqual([
      'Cosmos DB container idempotency: default TTL is 3600 in code, 86400 in Bicep',
      'Cosmos DB container drafts: defined in code, not declared in Bicep',
      'Cosmos DB container stageSla: declared in Bicep, not defined in code',
    ]);
  });

  it('maxDeliveryCount of the post-transition callbacks subscription changed in Bicep only', () => {
    const bicep = infraWith('serviceBus', /name: 'post-transition-callbacks'\n    maxDeliveryCount: 5/, "name: 'post-transition-callbacks'\n    maxDeliveryCount: 7");
    expect(declarationDifferences(code, bicep)).toEqual(['Service Bus subscription stage-events/post-transition-callbacks: maxDeliveryCount is 5 in code, 7 in Bicep']);
  });

  it('a queue lock duration, duplicate detection window and dead-lettering changed in code only', () => {
    const differences = declarationDifferences(codeWith((c) => {
      c.queues = c.queues.map((queue: { name: string }) => (queue.name === 'calendar-sync' ? { ...queue, lockDurationMs: 120_000, duplicateDetectionWindowMs: 60_000, deadLetteringOnMessageExpiration: false } : queue));
    }), infra);
    expect(differences).toEqual([
      'Service Bus queue calendar-sync: lock duration (ms) is 120000 in code, 60000 in Bicep',
      'Service Bus queue calendar-sync: duplicate detection window (ms) is 60000 in code, 600000 in Bicep',
      'Service Bus queue calendar-sync: dead-lettering on expiration is false in code, true in Bicep',
    ]);
  });

  it('a subscription filter changed in code, a queue missing from code', () => {
    const differences = declarationDifferences(codeWith((c) => {
      c.queues = c.queues.filter((queue: { name: string }) => queue.name !== 'calendar-sync');
      c.topics = c.topics.map((topic: any) => ({ ...topic, subscriptions: topic.subscriptions.map((s: any) => (s.name === 'calendar-cancellations' ? { ...s, filter: { applicationProperties: { stageType: 'live_interview' } } } : s)) }));
    }), infra);
    expect(differences).toEqual([
      'Service Bus queue calendar-sync: declared in Bicep, not defined in code',
      'Service Bus subscription stage-events/calendar-cancellations: correlation filter is {"stageType":"live_interview"} in code, {"stageType":"live_interview","action":"cancel"} in Bicep',
    ]);
  });

  it('a blob container renamed in Bicep only', () => {
    expect(declarationDifferences(code, infraWith('documentsStorage', "name: 'documents'\n  }\n]", "name: 'verified'\n  }\n]"))).toEqual([
      'blob container documents: defined in code, not declared in Bicep',
      'blob container verified: declared in Bicep, not defined in code',
    ]);
  });

  it('an app setting the config reads, missing from Bicep; one Bicep sets that nothing reads; a local-only key', () => {
    const bicep = infraWith('functionApp', /^  COSMOS_DATABASE_NAME: databaseName\n/m, "  COSMOS_DATABSE_NAME: databaseName\n  CosmosConnection__key: 'a2V5'\n");
    expect(declarationDifferences(code, bicep)).toEqual([
      'app setting COSMOS_DATABSE_NAME: declared in Bicep, read by nothing (not in shared/platform/config.ts nor a host setting)',
      'app setting CosmosConnection__key: local only (a key, connection string or local file), must not be declared in Azure',
      'app setting COSMOS_DATABASE_NAME: read by shared/platform/config.ts, not declared in Bicep',
      'app setting COSMOS_DATABASE_NAME: read by a binding expression (%COSMOS_DATABASE_NAME%), not declared in Bicep',
    ]);
  });

  it('a new setting in config only, and a bad literal value in Bicep', () => {
    expect(declarationDifferences(codeWith((c) => (c.settings = [...c.settings, 'SEARCH_ENDPOINT'])), infra)).toEqual(['app setting SEARCH_ENDPOINT: read by shared/platform/config.ts, not declared in Bicep']);
    expect(declarationDifferences(code, infraWith('functionApp', "FEATURE_FLAGS_REFRESH_SECONDS: '30'", "FEATURE_FLAGS_REFRESH_SECONDS: 'soon'"))).toEqual([
      "app setting FEATURE_FLAGS_REFRESH_SECONDS: 'soon' is not a valid value",
    ]);
  });

  it('a connection without __credential, or with another identity', () => {
    expect(declarationDifferences(code, infraWith('functionApp', /^  ServiceBusConnection__credential: 'managedidentity'\n/m, ''))).toEqual([
      'app setting ServiceBusConnection__credential: read by shared/platform/config.ts, not declared in Bicep',
      "connection ServiceBusConnection: ServiceBusConnection__credential must be 'managedidentity' (the extensions ignore __clientId without it)",
    ]);
    expect(declarationDifferences(code, infraWith('functionApp', 'CosmosConnection__clientId: identityClientId', 'CosmosConnection__clientId: otherClientId'))).toEqual([
      'connection CosmosConnection: CosmosConnection__clientId must be the identity of AZURE_CLIENT_ID',
    ]);
  });

  it('a secret as a plain value, and a Key Vault secret the hook does not create', () => {
    expect(declarationDifferences(code, infraWith('functionApp', /ENCRYPTION_KEYS: '@Microsoft\.KeyVault\(SecretUri=\$\{secrets\}\/ENCRYPTION-KEYS\/\)'/, 'ENCRYPTION_KEYS: encryptionKeys'))).toEqual([
      'app setting ENCRYPTION_KEYS: a secret, must be a Key Vault reference',
    ]);
    expect(declarationDifferences(code, infraWith('postprovision', /^seed_secret CALENDAR-OAUTH-STATE-KEY .*\n/m, ''))).toEqual([
      'Key Vault secret CALENDAR-OAUTH-STATE-KEY (CALENDAR_OAUTH_STATE_KEY): not created by infra/hooks/postprovision.sh',
    ]);
  });

  it('a role the code needs, removed; a role nothing needs, added', () => {
    const withoutDelegator = infraWith('roleAssignments', /roleDefinitionId: subscriptionResourceId\('Microsoft.Authorization\/roleDefinitions', storageBlobDelegator\)/, "roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)");
    expect(declarationDifferences(code, withoutDelegator)).toEqual([
      'role db58b8e5-c6ad-4a2a-8342-4190687cbf4a on Microsoft.Storage/storageAccounts:documentsStorageName: needed by the app (AzureBlobStore: user-delegation SAS for upload and read URLs), not assigned in Bicep',
      "role b7e6dc6d-f1e8-4753-8033-0f276bb0955b on Microsoft.Storage/storageAccounts:documentsStorageName: assigned to the app's identity in Bicep, needed by nothing the code does",
    ]);
    const ownerOnNamespace = infraWith('serviceBus', /scope: backlogQueue/, 'scope: namespace');
    expect(declarationDifferences(code, ownerOnNamespace)).toEqual([
      "role 090c5cfd-751d-490a-894a-3ce6f1109419 on Microsoft.ServiceBus/namespaces/queues:notification-deliveries: needed by the app (ServiceBusDeliveryBacklog reads the queue's runtime properties (Manage)), not assigned in Bicep",
      "role 090c5cfd-751d-490a-894a-3ce6f1109419 on Microsoft.ServiceBus/namespaces: assigned to the app's identity in Bicep, needed by nothing the code does",
    ]);
  });

  it('the hooks name the blob trigger, its container and the flag of the code', () => {
    expect(declarationDifferences(codeWith((c) => (c.blobTriggerFunction = 'uploadGate')), infra)).toEqual(['postdeploy hook: does not subscribe the blob trigger uploadGate']);
    expect(declarationDifferences(codeWith((c) => (c.featureFlag = 'FEATURE_OTHER')), infra)).toEqual(['postprovision hook: does not create the FEATURE_OTHER flag']);
  });
});

describe('infrastructure layout (azd, Flex Consumption, no keys)', () => {
  const modules = readdirSync(join(ROOT, 'infra/modules')).filter((file) => file.endsWith('.bicep'));
  const bicepFiles = [['infra/main.bicep', infra.main], ...modules.map((file) => [`infra/modules/${file}`, readFileSync(join(ROOT, 'infra/modules', file), 'utf8')] as const)] as const;

  it('main.bicep is at subscription scope with a resource token, azd tags and every module', () => {
    expect(infra.main).toMatch(/^targetScope = 'subscription'$/m);
    expect(infra.main).toContain("var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))");
    expect(infra.main).toContain("'azd-env-name': environmentName");
    for (const file of modules) expect(infra.main, file).toContain(`'./modules/${file}'`);
    expect(infra.functionApp).toContain("'azd-service-name': 'api'");
    expect(infra.azureYaml).toMatch(/services:\n  api:\n    project: \.\n    language: ts\n    host: function/);
    const parameters = JSON.parse(readFileSync(join(ROOT, 'infra/main.parameters.json'), 'utf8')) as { parameters: Record<string, unknown> };
    for (const name of Object.keys(parameters.parameters)) expect(infra.main, `parameter ${name}`).toMatch(new RegExp(`^param ${name} `, 'm'));
  });

  it('pins every Azure Verified Module to a version', () => {
    const references = bicepFiles.flatMap(([, text]) => [...text.matchAll(/'br\/public:([^']+)'/g)].map((match) => match[1]!));
    expect(references.length).toBeGreaterThan(5);
    for (const reference of references) expect(reference).toMatch(/^avm\/res\/[a-z-]+\/[a-z-]+:\d+\.\d+\.\d+$/);
  });

  it('turns local authentication off wherever the service allows it', () => {
    expect(infra.cosmos).toContain('disableLocalAuth: true');
    expect(infra.serviceBus).toContain('disableLocalAuth: true');
    expect(readFileSync(join(ROOT, 'infra/modules/app-configuration.bicep'), 'utf8')).toContain('disableLocalAuth: true');
    expect(readFileSync(join(ROOT, 'infra/modules/monitoring.bicep'), 'utf8')).toContain('disableLocalAuth: true');
    for (const file of ['host-storage.bicep', 'documents-storage.bicep']) expect(readFileSync(join(ROOT, 'infra/modules', file), 'utf8'), file).toContain('allowSharedKeyAccess: false');
    expect(readFileSync(join(ROOT, 'infra/modules/key-vault.bicep'), 'utf8')).toContain('enableRbacAuthorization: true');
  });

  it('runs Cosmos DB serverless and Service Bus Standard (topics), Functions on Flex Consumption', () => {
    expect(infra.cosmos).toContain("name: 'EnableServerless'");
    expect(infra.serviceBus).toMatch(/sku: \{\n    name: 'Standard'/);
    expect(infra.functionApp).toMatch(/name: 'FC1'\n\s+tier: 'FlexConsumption'/);
    expect(infra.functionApp).toContain("type: 'UserAssignedIdentity'");
  });

  it('declares each app setting once per line, with the names of local.settings.sample.json', () => {
    const sample = JSON.parse(readFileSync(join(ROOT, 'local.settings.sample.json'), 'utf8')) as { Values: Record<string, string> };
    const declared = declaredAppSettings(infra.functionApp);
    const known = new Set([...code.settings, 'FUNCTIONS_WORKER_RUNTIME', 'AzureWebJobsStorage']);
    for (const key of Object.keys(sample.Values)) expect(known.has(key), `${key} in local.settings.sample.json is read by nothing`).toBe(true);
    // Every Azure setting the local sample sets too has the same name on both sides (no __ vs : drift).
    for (const key of Object.keys(sample.Values).filter((key) => code.settings.includes(key) && !['CosmosConnection__key', 'CosmosConnection__caCertificatePath', 'DocumentsStorage', 'ServiceBusConnection', 'FEATURE_FLAGS_FILE', 'AUTH_JWKS_FILE'].includes(key))) {
      expect(declared.has(key), key).toBe(true);
    }
  });

  it('reads ISO 8601 durations as Service Bus writes them', () => {
    expect([isoDurationMs('PT1M'), isoDurationMs('PT10M'), isoDurationMs('P1D'), isoDurationMs('PT30S'), isoDurationMs('P7D')]).toEqual([60_000, 600_000, 86_400_000, 30_000, 604_800_000]);
    expect(() => isoDurationMs('10 minutes')).toThrow();
  });
});
