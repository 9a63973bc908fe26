// App Configuration for the FEATURE_DYNAMIC_STAGES flag, local authentication off (the app reads it with the
// identity). The flag itself is created, off, by infra/hooks/postprovision.sh only when it does not exist yet:
// declaring it here would turn it back off on every `azd provision`.
param name string
param location string
param tags object

@allowed([
  'Free'
  'Standard'
])
param sku string = 'Standard'

module store 'br/public:avm/res/app-configuration/configuration-store:0.9.3' = {
  name: 'app-configuration-store'
  params: {
    name: name
    location: location
    tags: tags
    sku: sku
    disableLocalAuth: true
    enablePurgeProtection: false
    publicNetworkAccess: 'Enabled'
  }
}

output name string = store.outputs.name
output endpoint string = 'https://${store.outputs.name}.azconfig.io'
