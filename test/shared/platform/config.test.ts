import { describe, expect, it } from 'vitest';
import { azureSettings } from '../../support/settings-fixtures.ts';
import { ConfigError, DEV_ISSUER, loadConfig, type Settings } from '../../../shared/platform/config.ts';

const local: Settings = {
  STAGELINE_ENVIRONMENT: 'local',
  CosmosConnection__accountEndpoint: 'https://127.0.0.1:8081/',
  CosmosConnection__key: 'a2V5',
  CosmosConnection__caCertificatePath: '/tmp/cert.pem',
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
    expect(config.cosmos.auth).toEqual({ kind: 'identity', clientId: '00000000-0000-0000-0000-000000000001' });
    expect(config.documents).toEqual({ kind: 'identity', blobServiceUri: 'https://stagelinedocs.blob.core.windows.net' });
    expect(config.bus).toEqual({ kind: 'identity', fullyQualifiedNamespace: 'stageline.servicebus.windows.net' });
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
    expect(() => loadConfig({})).toThrow(/Invalid configuration \(17 settings\):\n  - CosmosConnection__accountEndpoint: missing/);
  });
});
