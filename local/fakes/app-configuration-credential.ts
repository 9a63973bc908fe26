import type { AccessToken, TokenCredential } from '@azure/identity';

/** A credential for the loopback fake: always the same bearer token, valid for an hour. */
export function staticTokenCredential(token = 'fake-app-configuration-token'): TokenCredential {
  return {
    async getToken(): Promise<AccessToken> {
      return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}
