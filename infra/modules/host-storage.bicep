// The Functions host's storage (AzureWebJobsStorage: timers, blob trigger receipts, internal queues) and the
// Flex Consumption deployment package container. Shared keys off: the identity connects.
param name string
param location string
param tags object
param deploymentContainerName string

module storage 'br/public:avm/res/storage/storage-account:0.8.3' = {
  name: 'host-storage-account'
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
      containers: [
        {
          name: deploymentContainerName
        }
      ]
    }
  }
}

output name string = storage.outputs.name
