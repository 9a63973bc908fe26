// The Function App on Flex Consumption (functionAppConfig: runtime, scale, deployment package; no
// FUNCTIONS_WORKER_RUNTIME setting on this plan) and every app setting the code reads, with the names of
// local.settings.sample.json. test/infra/infra-declarations.test.ts checks the list both ways against
// shared/platform/config.ts, the binding expressions and the connections in functions/.
param name string
param planName string
param location string
param tags object

@allowed([
  '20'
  '22'
  '24'
])
param nodeVersion string
param maximumInstanceCount int

param identityResourceId string
param identityClientId string
param hostStorageName string
param deploymentContainerName string
param applicationInsightsConnectionString string
param cosmosEndpoint string
param databaseName string
param documentsStorageName string
param serviceBusNamespace string
param appConfigurationEndpoint string
param keyVaultName string
param authIssuer string
param authAudience string
param authJwksUri string
param googleOAuthClientId string
param publicUrl string
param calendarConnectedRedirectUrl string
param encryptionKeyId string
param timelineSigningKeyId string

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: hostStorageName
}

resource documentsStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: documentsStorageName
}

var appHost = '${name}.azurewebsites.net'
// Versionless references: the latest version of each secret (a new version is picked up on restart, or within a day).
var secrets = 'https://${keyVaultName}${environment().suffixes.keyvaultDns}/secrets'

var appSettings = {
  // Host storage, with the identity (Flex Consumption: blob and queue endpoints, no connection string).
  AzureWebJobsStorage__blobServiceUri: hostStorage.properties.primaryEndpoints.blob
  AzureWebJobsStorage__queueServiceUri: hostStorage.properties.primaryEndpoints.queue
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  // Telemetry (host and worker) with Entra ID: Application Insights has local authentication off.
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  STAGELINE_ENVIRONMENT: 'azure'
  // The identity of the clients the app builds itself (App Configuration); the same as every __clientId.
  AZURE_CLIENT_ID: identityClientId
  CosmosConnection__accountEndpoint: cosmosEndpoint
  CosmosConnection__credential: 'managedidentity'
  CosmosConnection__clientId: identityClientId
  COSMOS_DATABASE_NAME: databaseName
  DocumentsStorage__blobServiceUri: documentsStorage.properties.primaryEndpoints.blob
  DocumentsStorage__queueServiceUri: documentsStorage.properties.primaryEndpoints.queue
  DocumentsStorage__credential: 'managedidentity'
  DocumentsStorage__clientId: identityClientId
  UPLOAD_URL_TTL_MINUTES: '15'
  DOCUMENT_READ_URL_TTL_MINUTES: '5'
  ServiceBusConnection__fullyQualifiedNamespace: serviceBusNamespace
  ServiceBusConnection__credential: 'managedidentity'
  ServiceBusConnection__clientId: identityClientId
  AppConfigEndpoint: appConfigurationEndpoint
  FEATURE_FLAGS_REFRESH_SECONDS: '30'
  AUTH_ISSUER: authIssuer
  AUTH_AUDIENCE: authAudience
  AUTH_JWKS_URI: authJwksUri
  ENCRYPTION_KEYS: '@Microsoft.KeyVault(SecretUri=${secrets}/ENCRYPTION-KEYS/)'
  ENCRYPTION_KEY_ID: encryptionKeyId
  TIMELINE_SIGNING_KEYS: '@Microsoft.KeyVault(SecretUri=${secrets}/TIMELINE-SIGNING-KEYS/)'
  TIMELINE_SIGNING_KEY_ID: timelineSigningKeyId
  NOTIFICATIONS_RETRY_SCHEDULE: '5s,30s,2m,10m,30m,2h,6h,12h'
  NOTIFICATIONS_DELIVERY_TIMEOUT_MS: '10000'
  NOTIFICATIONS_RETRY_AFTER_MAX_SECONDS: '3600'
  NOTIFICATIONS_CHAT_MESSAGES_PER_MINUTE: '60'
  NOTIFICATIONS_WEBHOOK_ROUTES_CACHE_SECONDS: '10'
  GOOGLE_CALENDAR_ROOT_URL: 'https://www.googleapis.com/'
  GOOGLE_OAUTH_CLIENT_ID: googleOAuthClientId
  GOOGLE_OAUTH_CLIENT_SECRET: '@Microsoft.KeyVault(SecretUri=${secrets}/GOOGLE-OAUTH-CLIENT-SECRET/)'
  GOOGLE_OAUTH_AUTHORIZE_URL: 'https://accounts.google.com/o/oauth2/v2/auth'
  GOOGLE_OAUTH_TOKEN_URL: 'https://oauth2.googleapis.com/token'
  GOOGLE_OAUTH_REVOKE_URL: 'https://oauth2.googleapis.com/revoke'
  CALENDAR_OAUTH_REDIRECT_URI: 'https://${appHost}/api/calendar/oauth-callback'
  CALENDAR_CONNECTED_REDIRECT_URL: calendarConnectedRedirectUrl
  CALENDAR_PUSH_ADDRESS: 'https://${appHost}/api/calendar/notifications'
  CALENDAR_OAUTH_STATE_KEY: '@Microsoft.KeyVault(SecretUri=${secrets}/CALENDAR-OAUTH-STATE-KEY/)'
  GOOGLE_CALENDAR_TIMEOUT_MS: '4000'
  CALENDAR_RETRY_BUDGET_MS: '8000'
  CALENDAR_BACKOFF_BASE_MS: '250'
  CALENDAR_CHANNEL_TTL_SECONDS: '604800'
}

// Set only when given: an empty value is not a URL.
var optionalAppSettings = empty(publicUrl)
  ? {}
  : {
      STAGELINE_PUBLIC_URL: publicUrl
    }

module plan 'br/public:avm/res/web/serverfarm:0.1.1' = {
  name: 'flex-consumption-plan'
  params: {
    name: planName
    location: location
    tags: tags
    sku: {
      name: 'FC1'
      tier: 'FlexConsumption'
    }
    reserved: true
  }
}

module site 'br/public:avm/res/web/site:0.15.1' = {
  name: 'function-app'
  params: {
    kind: 'functionapp,linux'
    name: name
    location: location
    tags: union(tags, {
      'azd-service-name': 'api'
    })
    serverFarmResourceId: plan.outputs.resourceId
    httpsOnly: true
    managedIdentities: {
      systemAssigned: false
      userAssignedResourceIds: [
        identityResourceId
      ]
    }
    // Key Vault references resolve with the user-assigned identity (there is no system identity).
    keyVaultAccessIdentityResourceId: identityResourceId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostStorage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityResourceId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: 2048
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'node'
        version: nodeVersion
      }
    }
    siteConfig: {
      alwaysOn: false
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    appSettingsKeyValuePairs: union(appSettings, optionalAppSettings)
  }
}

output name string = site.outputs.name
