// The documents account: the blob containers of shared/platform/blob-containers.ts, a lifecycle rule that
// deletes what is left in quarantine after a day, CORS for browsers PUTting to their upload URL, and the
// Event Grid system topic the blob trigger's subscription hangs on (the subscription itself is created by
// infra/hooks/postdeploy.sh: it needs the deployed app's blobs_extension key). Shared keys off: upload and
// read URLs are user-delegation SAS signed with the managed identity.
param name string
param systemTopicName string
param location string
param tags object

@description('The web app origin allowed to PUT uploads from a browser; empty: any origin (the SAS is the credential).')
param uploadOrigin string = ''

// The same names as shared/platform/blob-containers.ts (test/infra/infra-declarations.test.ts compares them).
var blobContainers = [
  {
    name: 'quarantine'
  }
  {
    name: 'documents'
  }
]

// An upload nobody finished (or the gate never reached) is not kept: the content gate deletes what it decides.
var quarantineRetentionDays = 1

module storage 'br/public:avm/res/storage/storage-account:0.8.3' = {
  name: 'documents-storage-account'
  params: {
    name: name
    location: location
    tags: tags
    skuName: 'Standard_LRS'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
    dnsEndpointType: 'Standard'
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
    blobServices: {
      containers: blobContainers
      corsRules: [
        {
          allowedOrigins: empty(uploadOrigin) ? [
            '*'
          ] : [
            uploadOrigin
          ]
          allowedMethods: [
            'PUT'
            'GET'
            'HEAD'
            'OPTIONS'
          ]
          allowedHeaders: [
            '*'
          ]
          exposedHeaders: [
            'etag'
            'x-ms-request-id'
          ]
          maxAgeInSeconds: 3600
        }
      ]
    }
    managementPolicyRules: [
      {
        name: 'delete-quarantine-after-${quarantineRetentionDays}-day'
        enabled: true
        type: 'Lifecycle'
        definition: {
          actions: {
            baseBlob: {
              delete: {
                daysAfterModificationGreaterThan: quarantineRetentionDays
              }
            }
          }
          filters: {
            blobTypes: [
              'blockBlob'
            ]
            prefixMatch: [
              'quarantine/'
            ]
          }
        }
      }
    ]
  }
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: systemTopicName
  location: location
  tags: tags
  properties: {
    source: storage.outputs.resourceId
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = storage.outputs.name
output systemTopicName string = systemTopic.name
