import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { CosmosClient } from '@azure/cosmos';
import { azureCredential } from '../azure-credential.ts';

export type CosmosAuth = { readonly kind: 'key'; readonly key: string } | { readonly kind: 'identity'; readonly clientId?: string };

export interface CosmosClientOptions {
  readonly endpoint: string;
  readonly auth: CosmosAuth;
  /** PEM certificate to trust for this endpoint only (the local server's self-signed certificate). */
  readonly caCertificatePath?: string;
}

/**
 * The one way Stageline builds its Cosmos DB client. Connections are kept alive and reused (a
 * TLS handshake per request would dominate the cost of a point read). A CA certificate, when
 * given, is trusted by this client's agent only; TLS verification stays on everywhere.
 * Identity auth uses managed identity in Azure (the user-assigned one when `clientId` is set).
 */
export function createCosmosClient(options: CosmosClientOptions): CosmosClient {
  const ca = options.caCertificatePath ? readFileSync(options.caCertificatePath, 'utf8') : undefined;
  const agent = new Agent({ keepAlive: true, ...(ca === undefined ? {} : { ca }) });
  const auth = options.auth;
  const client =
    auth.kind === 'key'
      ? new CosmosClient({ endpoint: options.endpoint, key: auth.key, agent })
      : new CosmosClient({ endpoint: options.endpoint, aadCredentials: azureCredential(auth.clientId), agent });
  // The client does not own an agent it was given: close its kept-alive sockets with it.
  const dispose = client.dispose.bind(client);
  client.dispose = () => {
    dispose();
    agent.destroy();
  };
  return client;
}
