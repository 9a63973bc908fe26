// Key Vault (RBAC) for the app's secrets, referenced from app settings as @Microsoft.KeyVault(SecretUri=…)
// and resolved by the platform with the user-assigned identity (keyVaultReferenceIdentity):
//   ENCRYPTION-KEYS, TIMELINE-SIGNING-KEYS, GOOGLE-OAUTH-CLIENT-SECRET, CALENDAR-OAUTH-STATE-KEY.
// Their values are not declared here (a redeploy would overwrite them, and a new encryption key would make
// stored data unreadable): infra/hooks/postprovision.sh creates each one once, only if it is missing.
param name string
param location string
param tags object
param purgeProtection bool = true

module vault 'br/public:avm/res/key-vault/vault:0.11.0' = {
  name: 'key-vault'
  params: {
    name: name
    location: location
    tags: tags
    sku: 'standard'
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: purgeProtection
    publicNetworkAccess: 'Enabled'
  }
}

output name string = vault.outputs.name
