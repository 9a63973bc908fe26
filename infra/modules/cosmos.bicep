// Cosmos DB for NoSQL, serverless, local authentication off: the database and every container of
// shared/platform/cosmos-containers.ts with its partition key paths (hierarchical keys: MultiHash v2) and
// default TTL, `leases` (partition key /id) for the Cosmos DB trigger, which runs with lease creation off
// (under data-plane RBAC it could not create it), and the built-in Data Contributor role for the identity.
param name string
param location string
param tags object
param databaseName string

@description('Principal id of the Function App\'s user-assigned identity.')
param principalId string

@description('Object id of the deploying user, for npm run rotate-keys from a shell; empty: none.')
param deployerPrincipalId string = ''

// Cosmos DB Built-in Data Contributor (data plane: read, write, query, change feed).
var dataContributorRoleId = '00000000-0000-0000-0000-000000000002'

// The same ids, partition key paths and TTLs as shared/platform/cosmos-containers.ts
// (test/infra/infra-declarations.test.ts compares them both ways). defaultTtl null: no TTL.
var containers = [
  {
    id: 'applications'
    partitionKeyPaths: [
      '/tenantId'
      '/applicationId'
    ]
    defaultTtl: null
    // Replaced on every stage mutation: only what the board query filters and sorts on is indexed.
    indexedPaths: [
      '/tenantId/?'
      '/applicationId/?'
      '/jobId/?'
      '/candidateId/?'
      '/createdAt/?'
      '/stages/[]/type/?'
      '/stages/[]/status/?'
      '/legacyStatus/?'
      '/legacyScheduledCallId/?'
    ]
  }
  {
    id: 'scheduledCalls'
    partitionKeyPaths: [
      '/tenantId'
      '/applicationId'
    ]
    defaultTtl: null
  }
  {
    id: 'slots'
    partitionKeyPaths: [
      '/tenantId'
      '/recruiterId'
    ]
    defaultTtl: null
  }
  {
    id: 'uploads'
    partitionKeyPaths: [
      '/tenantId'
      '/applicationId'
    ]
    defaultTtl: null
  }
  {
    id: 'uploadIntents'
    partitionKeyPaths: [
      '/id'
    ]
    defaultTtl: null
  }
  {
    id: 'timeline'
    partitionKeyPaths: [
      '/tenantId'
      '/applicationId'
    ]
    defaultTtl: null
    // One entry per stage event, never changed: only what the timeline pages filter and sort on.
    indexedPaths: [
      '/applicationId/?'
      '/seq/?'
      '/event/visibleToCandidate/?'
      '/event/kind/?'
      '/event/stageId/?'
    ]
  }
  {
    id: 'deadLetters'
    partitionKeyPaths: [
      '/tenantId'
    ]
    defaultTtl: null
  }
  {
    id: 'webhooks'
    partitionKeyPaths: [
      '/tenantId'
    ]
    defaultTtl: null
  }
  {
    id: 'inbox'
    partitionKeyPaths: [
      '/recipient'
    ]
    defaultTtl: 7776000
    // Written once per notified person per event, deleted by TTL: only what the inbox queries use,
    // and _ts (what TTL counts from), as under the default policy.
    indexedPaths: [
      '/recipient/?'
      '/readAt/?'
      '/occurredAt/?'
      '/_ts/?'
    ]
  }
  {
    id: 'calendarConnections'
    partitionKeyPaths: [
      '/tenantId'
      '/recruiterId'
    ]
    defaultTtl: null
    // Rewritten by every calendar poll (5 minutes): listed by kind and state only.
    indexedPaths: [
      '/kind/?'
      '/state/?'
    ]
  }
  {
    id: 'calendarChannels'
    partitionKeyPaths: [
      '/id'
    ]
    defaultTtl: null
  }
  {
    id: 'idempotency'
    partitionKeyPaths: [
      '/key'
    ]
    defaultTtl: 86400
  }
  {
    id: 'callbackRuns'
    partitionKeyPaths: [
      '/tenantId'
      '/applicationId'
    ]
    defaultTtl: 2592000
  }
  {
    id: 'stageSla'
    partitionKeyPaths: [
      '/tenantId'
      '/applicationId'
    ]
    defaultTtl: null
    // Rewritten on every stage event: read by application only.
    indexedPaths: [
      '/applicationId/?'
    ]
  }
  {
    id: 'strandedOutboxes'
    partitionKeyPaths: [
      '/tenantId'
    ]
    defaultTtl: null
  }
  {
    id: 'leases'
    partitionKeyPaths: [
      '/id'
    ]
    defaultTtl: null
  }
]

// Default indexing (every path, range queries and single-field ORDER BY), without the system etag.
var indexingPolicy = {
  indexingMode: 'consistent'
  automatic: true
  includedPaths: [
    {
      path: '/*'
    }
  ]
  excludedPaths: [
    {
      path: '/"_etag"/?'
    }
  ]
}

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
    backupPolicy: {
      type: 'Continuous'
      continuousModeProperties: {
        tier: 'Continuous7Days'
      }
    }
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [
  for container in containers: {
    parent: database
    name: container.id
    properties: {
      resource: union(
        {
          id: container.id
          partitionKey: length(container.partitionKeyPaths) > 1
            ? {
                paths: container.partitionKeyPaths
                kind: 'MultiHash'
                version: 2
              }
            : {
                paths: container.partitionKeyPaths
                kind: 'Hash'
                version: 2
              }
          indexingPolicy: container.?indexedPaths == null
            ? indexingPolicy
            : {
                indexingMode: 'consistent'
                automatic: true
                includedPaths: map(container.indexedPaths, path => { path: path })
                excludedPaths: [
                  {
                    path: '/*'
                  }
                ]
              }
        },
        container.defaultTtl == null
          ? {}
          : {
              defaultTtl: container.defaultTtl
            }
      )
    }
  }
]

resource appDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: account
  name: guid(account.id, principalId, dataContributorRoleId)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'
    principalId: principalId
    scope: account.id
  }
}

resource deployerDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = if (!empty(deployerPrincipalId)) {
  parent: account
  name: guid(account.id, deployerPrincipalId, dataContributorRoleId)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'
    principalId: deployerPrincipalId
    scope: account.id
  }
}

output name string = account.name
output endpoint string = account.properties.documentEndpoint
