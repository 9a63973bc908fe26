import { jwtVerify, SignJWT } from 'jose';
import type { OAuthStateClaims, OAuthStateSigner } from '../ports/calendar-authorization.port.ts';

const ISSUER = 'stageline/calendar-connect';

/**
 * The `state` of the authorisation flow as a compact JWS (HS256) under a key of its own
 * (`CALENDAR_OAUTH_STATE_KEY`): tenant, recruiter and a one-time nonce, valid 10 minutes.
 */
export class JoseOAuthStateSigner implements OAuthStateSigner {
  readonly #key: Uint8Array;

  constructor(base64Key: string) {
    this.#key = new Uint8Array(Buffer.from(base64Key, 'base64'));
  }

  sign(claims: OAuthStateClaims, expiresInSeconds: number): Promise<string> {
    return new SignJWT({ tid: claims.tenantId, nonce: claims.nonce })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setSubject(claims.recruiterId)
      .setIssuedAt()
      .setExpirationTime(`${expiresInSeconds}s`)
      .sign(this.#key);
  }

  async verify(state: string): Promise<OAuthStateClaims | undefined> {
    try {
      const { payload } = await jwtVerify(state, this.#key, { issuer: ISSUER, algorithms: ['HS256'] });
      if (typeof payload.tid !== 'string' || typeof payload.sub !== 'string' || typeof payload['nonce'] !== 'string') return undefined;
      return { tenantId: payload.tid, recruiterId: payload.sub, nonce: payload['nonce'] as string };
    } catch {
      return undefined;
    }
  }
}
