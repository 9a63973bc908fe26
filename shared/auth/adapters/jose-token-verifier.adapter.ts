import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { DomainError } from '../../platform/errors.ts';
import { CLOCK_TOLERANCE_SECONDS, MAX_TOKEN_AGE_SECONDS, tokenClaimsSchema } from '../domain/claims.ts';
import type { TokenVerifier } from '../ports/token-verifier.port.ts';

export interface TokenVerifierConfig {
  readonly issuer: string;
  readonly audience: string;
  readonly jwks: { readonly kind: 'uri'; readonly uri: string } | { readonly kind: 'file'; readonly path: string };
}


const ALGORITHMS = ['RS256', 'ES256', 'PS256'];

/**
 * Verifies bearer JWTs with `jose` against the configured issuer, audience and key set
 * (Microsoft Entra ID's JWKS in Azure; the development issuer's key file on the local host),
 * then checks every claim Stageline uses against one schema (`domain/claims.ts`). Claims follow
 * Entra ID: `sub` (subject), `tid` (tenant), `roles` (app roles). Any failure is 401.
 */
export function createTokenVerifier(config: TokenVerifierConfig): TokenVerifier {
  const keys: JWTVerifyGetKey =
    config.jwks.kind === 'uri'
      ? createRemoteJWKSet(new URL(config.jwks.uri), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 })
      : createLocalJWKSet(JSON.parse(readFileSync(config.jwks.path, 'utf8')));

  return {
    async verify(authorization) {
      // RFC 7235: the scheme is case-insensitive.
      const match = /^Bearer[ \t]+([A-Za-z0-9_\-.]+)[ \t]*$/i.exec(authorization ?? '');
      if (!match) throw unauthenticated('Send a bearer token: Authorization: Bearer <token>.');
      let payload;
      try {
        ({ payload } = await jwtVerify(match[1]!, keys, {
          issuer: config.issuer,
          audience: config.audience,
          algorithms: ALGORITHMS,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          maxTokenAge: MAX_TOKEN_AGE_SECONDS,
          requiredClaims: ['exp', 'iat', 'sub'],
        }));
      } catch (error) {
        throw unauthenticated(reasonOf(error), error);
      }
      const claims = tokenClaimsSchema.safeParse(payload);
      if (!claims.success) {
        const claim = String(claims.error.issues[0]?.path[0] ?? 'claims');
        throw unauthenticated(`The token's ${claim} claim is not accepted.`);
      }
      const { sub, tid, roles = [], name } = claims.data;
      return { subject: sub, tenantId: tid, roles: [...new Set(roles)], ...(name === undefined ? {} : { name }) };
    },
  };
}

function unauthenticated(message: string, cause?: unknown): DomainError {
  return new DomainError('AUTH.UNAUTHENTICATED', { message, cause });
}

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The token has expired.';
  if (error instanceof errors.JWTClaimValidationFailed) return `The token's ${error.claim} claim is not accepted.`;
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) return 'The token signature is not valid.';
  return 'The token is not valid.';
}
