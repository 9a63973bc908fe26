import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';

/** Managed identity in Azure (a user-assigned one when `clientId` is given), developer sign-in elsewhere. */
export function azureCredential(clientId?: string): TokenCredential {
  return new DefaultAzureCredential(clientId ? { managedIdentityClientId: clientId } : {});
}
