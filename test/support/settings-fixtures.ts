/** Azure-shaped settings (managed identity, no secrets): nothing here is contacted at load. */
export const azureSettings = {
  // One user-assigned identity: the trigger extensions take <Connection>__credential + __clientId, the app's own clients AZURE_CLIENT_ID.
  AZURE_CLIENT_ID: '00000000-0000-0000-0000-000000000001',
  CosmosConnection__accountEndpoint: 'https://stageline.documents.azure.com:443/',
  CosmosConnection__credential: 'managedidentity',
  CosmosConnection__clientId: '00000000-0000-0000-0000-000000000001',
  COSMOS_DATABASE_NAME: 'stageline',
  DocumentsStorage__blobServiceUri: 'https://stagelinedocs.blob.core.windows.net',
  DocumentsStorage__queueServiceUri: 'https://stagelinedocs.queue.core.windows.net',
  DocumentsStorage__credential: 'managedidentity',
  DocumentsStorage__clientId: '00000000-0000-0000-0000-000000000001',
  ServiceBusConnection__fullyQualifiedNamespace: 'stageline.servicebus.windows.net',
  ServiceBusConnection__credential: 'managedidentity',
  ServiceBusConnection__clientId: '00000000-0000-0000-0000-000000000001',
  AppConfigEndpoint: 'https://stageline.azconfig.io',
  AUTH_ISSUER: 'https://login.microsoftonline.com/tenant/v2.0',
  AUTH_AUDIENCE: 'api://stageline',
  AUTH_JWKS_URI: 'https://login.microsoftonline.com/tenant/discovery/v2.0/keys',
  // In Azure a Key Vault reference resolves to this value; a fixed test key here.
  ENCRYPTION_KEYS: JSON.stringify({ k1: Buffer.alloc(32, 7).toString('base64') }),
  ENCRYPTION_KEY_ID: 'k1',
  TIMELINE_SIGNING_KEYS: JSON.stringify({ s1: Buffer.alloc(32, 9).toString('base64') }),
  TIMELINE_SIGNING_KEY_ID: 's1',
  GOOGLE_OAUTH_CLIENT_ID: '1234-stageline.apps.googleusercontent.com',
  // In Azure Key Vault references resolve to these; fixed test values here.
  GOOGLE_OAUTH_CLIENT_SECRET: 'test-client-secret',
  CALENDAR_OAUTH_STATE_KEY: Buffer.alloc(32, 9).toString('base64'),
  CALENDAR_OAUTH_REDIRECT_URI: 'https://stageline.azurewebsites.net/api/calendar/oauth-callback',
  CALENDAR_CONNECTED_REDIRECT_URL: 'https://app.stageline.example/settings/calendar',
  CALENDAR_PUSH_ADDRESS: 'https://stageline.azurewebsites.net/api/calendar/notifications',
} as const;
