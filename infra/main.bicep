// Stageline on Azure: one resource group per azd environment, every service keyless behind one
// user-assigned managed identity. `azd up` runs this, then infra/hooks/postprovision.sh (secrets and the
// feature flag, which must survive re-provisioning) and, after the code is deployed,
// infra/hooks/postdeploy.sh (the Event Grid subscription of the blob trigger). See infra/README.md.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment: names the resource group and, through a short token, every resource.')
param environmentName string

@minLength(1)
@description('Region of every resource; it must offer the Flex Consumption plan.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the user running azd (azd sets AZURE_PRINCIPAL_ID): it seeds Key Vault secrets and the feature flag, and may run npm run rotate-keys. Empty: no access for a person.')
param principalId string = ''

@description('Node.js version of the Function App (functionAppConfig.runtime). Flex Consumption offers 20 and 22; use 24 where the region offers it.')
@allowed([
  '20'
  '22'
  '24'
])
param nodeVersion string = '22'

@description('Accepted token issuer (iss). Empty: this tenant\'s Entra ID v2.0 issuer.')
param authIssuer string = ''

@description('Accepted token audience (aud): the Application ID URI of the API app registration.')
param authAudience string = 'api://stageline'

@description('OAuth 2.0 client id of the Google Cloud project (its secret goes to Key Vault as GOOGLE-OAUTH-CLIENT-SECRET).')
param googleOAuthClientId string = 'not-configured'

@description('The web app\'s https URL (links in notifications, the upload CORS origin). Empty: no links, any upload origin.')
param publicUrl string = ''

@description('Where a recruiter\'s browser returns after connecting Google Calendar. Empty: the API\'s health page.')
param calendarConnectedRedirectUrl string = ''

@description('Id of the key in the ENCRYPTION-KEYS secret that encrypts new data (rotation: add a key to the secret, then change this).')
param encryptionKeyId string = 'k1'

@description('Id of the key in the TIMELINE-SIGNING-KEYS secret that signs new timeline links.')
param timelineSigningKeyId string = 's1'

@description('Most instances the Function App scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('App Configuration tier. Free allows 1,000 requests a day, which the flag refresh of one instance exceeds; Standard is the one fixed cost.')
@allowed([
  'Free'
  'Standard'
])
param appConfigurationSku string = 'Standard'

@description('Key Vault purge protection: a deleted vault (and the encryption keys in it) cannot be purged for 90 days. Off only for throwaway environments.')
param keyVaultPurgeProtection bool = true

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = 'func-api-${resourceToken}'
var functionAppHostName = '${functionAppName}.azurewebsites.net'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(toLower(uniqueString(functionAppName, resourceToken)), 7)}'
var databaseName = 'stageline'
var issuer = empty(authIssuer) ? '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0' : authIssuer
var jwksUri = '${environment().authentication.loginEndpoint}${tenant().tenantId}/discovery/v2.0/keys'

resource rg 'Microsoft.Resources/resourceGroups@2021-04-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

// The one identity: the trigger extensions (<Connection>__credential + __clientId), the app's own clients
// (AZURE_CLIENT_ID), Key Vault references, the deployment package and Application Insights all use it.
module identity 'br/public:avm/res/managed-identity/user-assigned-identity:0.4.1' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-api-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring './modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
  }
}

module hostStorage './modules/host-storage.bicep' = {
  name: 'host-storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module documentsStorage './modules/documents-storage.bicep' = {
  name: 'documents-storage'
  scope: rg
  params: {
    name: 'stdocs${resourceToken}'
    systemTopicName: 'evgt-docs-${resourceToken}'
    location: location
    tags: tags
    uploadOrigin: publicUrl
  }
}

module cosmos './modules/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    name: 'cosmos-${resourceToken}'
    location: location
    tags: tags
    databaseName: databaseName
    principalId: identity.outputs.principalId
    deployerPrincipalId: principalId
  }
}

module serviceBus './modules/service-bus.bicep' = {
  name: 'service-bus'
  scope: rg
  params: {
    name: 'sb-${resourceToken}'
    location: location
    tags: tags
    principalId: identity.outputs.principalId
  }
}

module appConfiguration './modules/app-configuration.bicep' = {
  name: 'app-configuration'
  scope: rg
  params: {
    name: 'appcs-${resourceToken}'
    location: location
    tags: tags
    sku: appConfigurationSku
  }
}

module keyVault './modules/key-vault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    purgeProtection: keyVaultPurgeProtection
  }
}

module roles './modules/role-assignments.bicep' = {
  name: 'role-assignments'
  scope: rg
  params: {
    principalId: identity.outputs.principalId
    deployerPrincipalId: principalId
    hostStorageName: hostStorage.outputs.name
    documentsStorageName: documentsStorage.outputs.name
    appConfigurationName: appConfiguration.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

module functionApp './modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  // The host reads its storage, Key Vault references and the triggers' entities with the identity at start.
  dependsOn: [
    roles
    cosmos
    serviceBus
  ]
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    nodeVersion: nodeVersion
    maximumInstanceCount: maximumInstanceCount
    identityResourceId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    hostStorageName: hostStorage.outputs.name
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    cosmosEndpoint: cosmos.outputs.endpoint
    databaseName: databaseName
    documentsStorageName: documentsStorage.outputs.name
    serviceBusNamespace: serviceBus.outputs.fullyQualifiedNamespace
    appConfigurationEndpoint: appConfiguration.outputs.endpoint
    keyVaultName: keyVault.outputs.name
    authIssuer: issuer
    authAudience: authAudience
    authJwksUri: jwksUri
    googleOAuthClientId: googleOAuthClientId
    publicUrl: publicUrl
    calendarConnectedRedirectUrl: empty(calendarConnectedRedirectUrl) ? 'https://${functionAppHostName}/api/health' : calendarConnectedRedirectUrl
    encryptionKeyId: encryptionKeyId
    timelineSigningKeyId: timelineSigningKeyId
  }
}

// Read by azd (hooks, `azd env get-values`) and by operators.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
// Not AZURE_CLIENT_ID: azd loads its outputs into the hooks' environment, where that name means a credential.
output STAGELINE_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output SERVICE_API_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_HOSTNAME string = functionAppHostName
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_APP_CONFIGURATION_ENDPOINT string = appConfiguration.outputs.endpoint
output DOCUMENTS_STORAGE_ACCOUNT_NAME string = documentsStorage.outputs.name
output EVENT_GRID_SYSTEM_TOPIC_NAME string = documentsStorage.outputs.systemTopicName
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
// The settings `npm run rotate-keys` needs from an operator's shell (with ENCRYPTION_KEYS from Key Vault).
output CosmosConnection__accountEndpoint string = cosmos.outputs.endpoint
output COSMOS_DATABASE_NAME string = databaseName
// Register this redirect URI (and the push address' domain) with the Google Cloud OAuth client.
output CALENDAR_OAUTH_REDIRECT_URI string = 'https://${functionAppHostName}/api/calendar/oauth-callback'
