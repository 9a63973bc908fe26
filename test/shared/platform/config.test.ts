import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { azureSettings } from '../../support/settings-fixtures.ts';
import { BINDING_EXPRESSION_SETTINGS, ConfigError, DEV_ISSUER, loadConfig, loadKeyRotationConfig, loadTelemetryConfig, type Settings } from '../../../shared/platform/config.ts';

const local: Settings = {
  STAGELINE_ENVIRONMENT: 'local',
  CosmosConnection__accountEndpoint: 'https://127.0.0.1:8081/',
  CosmosConnection__key: 'a2V5',
  CosmosConnection__caCertificatePath: '/tmp/cert.pem',
  COSMOS_DATABASE_NAME: 'stageline',
  DocumentsStorage: 'UseDevelopmentStorage=true',
  ServiceBusConnection: 'UseLocalBroker=true',
  FEATURE_FLAGS_FILE: '/tmp/flags.json',
  AUTH_ISSUER: DEV_ISSUER,
  AUTH_AUDIENCE: 'api://stageline',
  AUTH_JWKS_FILE: '/tmp/jwks.json',
  ENCRYPTION_KEYS: JSON.stringify({ 'local-1': Buffer.alloc(32, 1).toString('base64') }),
  ENCRYPTION_KEY_ID: 'local-1',
  TIMELINE_SIGNING_KEYS: JSON.stringify({ 'sig-1': Buffer.alloc(32, 2).toString('base64') }),
  TIMELINE_SIGNING_KEY_ID: 'sig-1',
  GOOGLE_CALENDAR_ROOT_URL: 'http://127.0.0.1:7072/',
  GOOGLE_OAUTH_CLIENT_ID: 'stageline-local.apps.calendar.fake',
  GOOGLE_OAUTH_CLIENT_SECRET: 'local-secret',
  GOOGLE_OAUTH_TOKEN_URL: 'http://127.0.0.1:7072/token',
  CALENDAR_OAUTH_STATE_KEY: Buffer.alloc(32, 3).toString('base64'),
  CALENDAR_OAUTH_REDIRECT_URI: 'http://127.0.0.1:7071/api/calendar/oauth-callback',
  CALENDAR_CONNECTED_REDIRECT_URL: 'http://127.0.0.1:7071/api/health',
  CALENDAR_PUSH_ADDRESS: 'http://127.0.0.1:7071/api/calendar/notifications',
};

const azure: Settings = azureSettings;

function issuesOf(settings: Settings): Record<string, string> {
  try {
    loadConfig(settings);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return Object.fromEntries((error as ConfigError).issues.map((issue) => [issue.key, issue.expected]));
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('builds the local configuration from local values', () => {
    const config = loadConfig(local);
    expect(config.environment).toBe('local');
    expect(config.cosmos).toEqual({ endpoint: 'https://127.0.0.1:8081/', databaseName: 'stageline', auth: { kind: 'key', key: 'a2V5' }, caCertificatePath: '/tmp/cert.pem' });
    expect(config.bus).toEqual({ kind: 'local' });
    expect(config.flags).toEqual({ kind: 'file', path: '/tmp/flags.json', refreshIntervalMs: 5000 });
    expect(config.auth.jwks).toEqual({ kind: 'file', path: '/tmp/jwks.json' });
    expect(config.calendar).toEqual({
      rootUrl: 'http://127.0.0.1:7072/',
      oauth: {
        clientId: 'stageline-local.apps.calendar.fake',
        clientSecret: 'local-secret',
        authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
        tokenUrl: 'http://127.0.0.1:7072/token',
        revokeUrl: 'https://oauth2.googleapis.com/revoke',
        redirectUri: 'http://127.0.0.1:7071/api/calendar/oauth-callback',
        appRedirectUrl: 'http://127.0.0.1:7071/api/health',
        stateKey: Buffer.alloc(32, 3).toString('base64'),
      },
      pushAddress: 'http://127.0.0.1:7071/api/calendar/notifications',
      timeoutMs: 4000,
      retryBudgetMs: 8000,
      backoffBaseMs: 250,
      channelTtlSeconds: 604_800,
    });
    expect(config.encryption).toEqual({ keys: { 'local-1': Buffer.alloc(32, 1).toString('base64') }, currentKeyId: 'local-1' });
  });

  it('builds the Azure configuration with managed identity and no secrets', () => {
    const config = loadConfig(azure);
    expect(config.environment).toBe('azure');
    const clientId = '00000000-0000-0000-0000-000000000001';
    expect(config.identity).toEqual({ clientId });
    expect(config.cosmos.auth).toEqual({ kind: 'identity', clientId });
    expect(config.documents).toEqual({ kind: 'identity', blobServiceUri: 'https://stagelinedocs.blob.core.windows.net', clientId });
    expect(config.bus).toEqual({ kind: 'identity', fullyQualifiedNamespace: 'stageline.servicebus.windows.net', clientId });
    expect(config.flags).toEqual({ kind: 'appConfiguration', endpoint: 'https://stageline.azconfig.io', refreshIntervalMs: 5000 });
    expect(config.auth.jwks).toEqual({ kind: 'uri', uri: azure.AUTH_JWKS_URI });
    expect(config.calendar).toMatchObject({ rootUrl: 'https://www.googleapis.com/', oauth: { tokenUrl: 'https://oauth2.googleapis.com/token', clientSecret: 'test-client-secret' } });
  });

  it('lists every missing key at once, each with what it expects', () => {
    const issues = issuesOf({});
    expect(Object.keys(issues).sort()).toEqual(
      [
        'AUTH_AUDIENCE',
        'AUTH_ISSUER',
        'AUTH_JWKS_URI',
        'AppConfigEndpoint',
        'CosmosConnection__accountEndpoint',
        'COSMOS_DATABASE_NAME',
        'DocumentsStorage',
        'ENCRYPTION_KEYS',
        'ENCRYPTION_KEY_ID',
        'ServiceBusConnection__fullyQualifiedNamespace',
        'TIMELINE_SIGNING_KEYS',
        'TIMELINE_SIGNING_KEY_ID',
        'GOOGLE_OAUTH_CLIENT_ID',
        'GOOGLE_OAUTH_CLIENT_SECRET',
        'CALENDAR_OAUTH_STATE_KEY',
        'CALENDAR_OAUTH_REDIRECT_URI',
        'CALENDAR_CONNECTED_REDIRECT_URL',
        'CALENDAR_PUSH_ADDRESS',
      ].sort(),
    );
    for (const expected of Object.values(issues)) expect(expected).toMatch(/^missing: /);
    expect(issues.CosmosConnection__accountEndpoint).toContain('Cosmos DB account endpoint');
  });

  it.each([
    ['CosmosConnection__accountEndpoint', 'not a url', /absolute https/],
    ['COSMOS_DATABASE_NAME', 'has spaces', /database name/],
    ['STAGELINE_ENVIRONMENT', 'production', /'local' or 'azure'/],
    ['FEATURE_FLAGS_REFRESH_SECONDS', 'soon', /number of seconds/],
    ['FEATURE_FLAGS_REFRESH_SECONDS', '0', /./],
    ['GOOGLE_CALENDAR_ROOT_URL', 'googleapis', /Google APIs root URL/],
    ['AUTH_JWKS_URI', 'keys', /JWKS URL/],
    ['ServiceBusConnection', 'Endpoint=sb://x/;SharedAccessKey=y', /UseLocalBroker=true/],
    ['ENCRYPTION_KEYS', 'not json', /JSON object/],
    ['ENCRYPTION_KEYS', JSON.stringify({ 'local-1': Buffer.alloc(16).toString('base64') }), /32 bytes/],
    ['ENCRYPTION_KEY_ID', 'k9', /one of the ids in ENCRYPTION_KEYS \(local-1\)/],
    ['CALENDAR_OAUTH_STATE_KEY', Buffer.alloc(16).toString('base64'), /at least 32 random bytes/],
    ['CALENDAR_PUSH_ADDRESS', 'notifications', /api\/calendar\/notifications/],
    ['GOOGLE_CALENDAR_TIMEOUT_MS', 'soon', /milliseconds/],
    ['CALENDAR_RETRY_BUDGET_MS', '99999999', /./],
  ])('rejects a malformed %s (%s)', (key, value, expected) => {
    const issues = issuesOf({ ...local, [key]: value });
    expect(Object.keys(issues)).toEqual([key]);
    expect(issues[key]).toMatch(expected);
  });

  it('reports malformed and missing keys together', () => {
    const { AUTH_AUDIENCE: _dropped, ...rest } = local;
    const issues = issuesOf({ ...rest, CosmosConnection__accountEndpoint: 'nope' });
    expect(Object.keys(issues).sort()).toEqual(['AUTH_AUDIENCE', 'CosmosConnection__accountEndpoint']);
  });

  it('refuses local-only settings and the development issuer outside the local environment', () => {
    const issues = issuesOf({ ...azure, ...{ ...local, STAGELINE_ENVIRONMENT: 'azure' } });
    expect(Object.keys(issues).sort()).toEqual(
      [
        'AUTH_ISSUER', 'AUTH_JWKS_FILE', 'CosmosConnection__caCertificatePath', 'FEATURE_FLAGS_FILE', 'ServiceBusConnection',
        // Keys and connection strings: the managed identity connects in Azure.
        'CosmosConnection__key', 'DocumentsStorage',
        // Google talks only to https (and pushes only to https): plain http is for the local fakes.
        'GOOGLE_CALENDAR_ROOT_URL', 'GOOGLE_OAUTH_TOKEN_URL', 'CALENDAR_OAUTH_REDIRECT_URI', 'CALENDAR_CONNECTED_REDIRECT_URL', 'CALENDAR_PUSH_ADDRESS',
      ].sort(),
    );
    expect(issues.AUTH_ISSUER).toContain('development issuer');
    expect(issues.CALENDAR_PUSH_ADDRESS).toContain('https://');
  });

  it('defaults to the Azure environment, so a forgotten setting cannot enable local-only behaviour', () => {
    const { STAGELINE_ENVIRONMENT: _env, ...withoutEnvironment } = local;
    expect(Object.keys(issuesOf(withoutEnvironment))).toContain('AUTH_JWKS_FILE');
  });

  it('names every bad key in the error message', () => {
    expect(() => loadConfig({})).toThrow(/Invalid configuration \(18 settings\):\n  - CosmosConnection__accountEndpoint: missing/);
  });
});

/** Every `%NAME%` binding expression in `functions/` (the Functions host resolves them from app settings). */
function bindingExpressionsInFunctions(): string[] {
  const root = resolve(import.meta.dirname, '../../../functions');
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
  const names = new Set<string>();
  for (const file of files) {
    for (const match of readFileSync(join(root, file), 'utf8').matchAll(/['"`]%([A-Za-z_][A-Za-z0-9_]*)%['"`]/g)) names.add(match[1]!);
  }
  return [...names].sort();
}

describe('settings read by binding expressions', () => {
  it('lists exactly the %…% expressions the functions use', () => {
    expect(bindingExpressionsInFunctions()).toEqual([...BINDING_EXPRESSION_SETTINGS].sort());
  });

  it.each(BINDING_EXPRESSION_SETTINGS)('requires %s instead of defaulting it (a default never reaches the binding)', (key) => {
    const { [key]: _dropped, ...rest } = azure;
    expect(Object.keys(issuesOf(rest))).toEqual([key]);
    expect(issuesOf(rest)[key]).toMatch(/^missing: /);
    const { [key]: _droppedLocally, ...localRest } = local;
    expect(Object.keys(issuesOf(localRest))).toEqual([key]);
  });
});

describe('one managed identity in Azure', () => {
  it.each(['CosmosConnection', 'DocumentsStorage', 'ServiceBusConnection'])('refuses %s__clientId without %s__credential=managedidentity', (connection) => {
    const { [`${connection}__credential`]: _dropped, ...rest } = azure;
    const issues = issuesOf(rest);
    expect(Object.keys(issues)).toEqual([`${connection}__credential`]);
    expect(issues[`${connection}__credential`]).toContain(`${connection}__clientId only together with it`);
  });

  it('accepts only managedidentity as a credential kind', () => {
    expect(issuesOf({ ...azure, CosmosConnection__credential: 'connectionstring' }).CosmosConnection__credential).toContain("'managedidentity'");
  });

  it('needs AZURE_CLIENT_ID for the clients the app builds itself when the connections name a user-assigned identity', () => {
    const { AZURE_CLIENT_ID: _dropped, ...rest } = azure;
    const issues = issuesOf(rest);
    expect(Object.keys(issues)).toEqual(['AZURE_CLIENT_ID']);
    expect(issues.AZURE_CLIENT_ID).toContain('App Configuration');
  });

  it('refuses a connection that names another identity than AZURE_CLIENT_ID', () => {
    const issues = issuesOf({ ...azure, ServiceBusConnection__clientId: '00000000-0000-0000-0000-000000000002' });
    expect(Object.keys(issues)).toEqual(['ServiceBusConnection__clientId']);
    expect(issues.ServiceBusConnection__clientId).toContain('AZURE_CLIENT_ID');
  });

  it('passes the identity to the app (App Configuration and the other clients use the same client id)', () => {
    expect(loadConfig(azure).identity).toEqual({ clientId: azure.AZURE_CLIENT_ID });
    const { AZURE_CLIENT_ID: _a, CosmosConnection__clientId: _b, DocumentsStorage__clientId: _c, ServiceBusConnection__clientId: _d, ...systemIdentity } = azure;
    expect(loadConfig(systemIdentity).identity).toEqual({});
  });

  it.each([
    ['CosmosConnection__key', 'a2V5'],
    ['CosmosConnection', 'AccountEndpoint=https://x.documents.azure.com:443/;AccountKey=a2V5;'],
    ['DocumentsStorage', 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=a2V5'],
    ['AzureWebJobsStorage', 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=a2V5'],
  ])('refuses the secret %s in Azure (keys are local only)', (key, value) => {
    const issues = issuesOf({ ...azure, [key]: value });
    expect(Object.keys(issues)).toEqual([key]);
    expect(issues[key]).toContain('managed identity');
    expect(() => loadConfig({ ...local, [key]: value })).not.toThrow();
  });

  it('refuses a Cosmos DB key for the key rotation command in Azure too', () => {
    const rotation = { CosmosConnection__accountEndpoint: azure.CosmosConnection__accountEndpoint, COSMOS_DATABASE_NAME: 'stageline', ENCRYPTION_KEYS: azure.ENCRYPTION_KEYS, ENCRYPTION_KEY_ID: 'k1' };
    expect(loadKeyRotationConfig(rotation).cosmos.auth).toEqual({ kind: 'identity' });
    expect(() => loadKeyRotationConfig({ ...rotation, CosmosConnection__key: 'a2V5' })).toThrow(/CosmosConnection__key/);
  });
});

describe('loadTelemetryConfig', () => {
  it('reads where telemetry goes and the identity that sends it, and nothing else', () => {
    expect(loadTelemetryConfig({})).toEqual({});
    expect(loadTelemetryConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=x', AZURE_CLIENT_ID: 'id-1', AUTH_AUDIENCE: undefined })).toEqual({
      appInsightsConnectionString: 'InstrumentationKey=x',
      clientId: 'id-1',
    });
  });
});
