import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { DomainError } from '../../platform/errors.ts';
import { ROLES, type Role } from '../domain/principal.ts';
import type { TokenVerifier } from '../ports/token-verifier.port.ts';

export interface TokenVerifierConfig {
  readonly issuer: string;
  readonly audience: string;
  readonly jwks: { readonly kind: 'uri'; readonly uri: string } | { readonly kind: 'file'; readonly path: string };
}


const ALGORITHMS = ['RS256', 'ES256', 'PS256'];

/**
 * Verifies bearer JWTs with `jose` against the configured issuer, audience and key set
 * (Microsoft Entra ID's JWKS in Azure; the development issuer's key file on the local host).
 * Claims follow Entra ID: `sub` (subject), `tid` (tenant), `roles` (app roles).
 */
export function createTokenVerifier(config: TokenVerifierConfig): TokenVerifier {
  const keys: JWTVerifyGetKey =
    config.jwks.kind === 'uri'
      ? createRemoteJWKSet(new URL(config.jwks.uri), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 })
      : createLocalJWKSet(JSON.parse(readFileSync(config.jwks.path, 'utf8')));

  return {
    async verify(authorization) {
      const match = /^Bearer\s+([A-Za-z0-9_\-.]+)\s*$/.exec(authorization ?? '');
      if (!match) throw unauthenticated('Send a bearer token: Authorization: Bearer <token>.');
      let payload;
      try {
        ({ payload } = await jwtVerify(match[1]!, keys, { issuer: config.issuer, audience: config.audience, algorithms: ALGORITHMS, clockTolerance: 60 }));
      } catch (error) {
        throw unauthenticated(reasonOf(error), error);
      }
      const tenantId = typeof payload.tid === 'string' && payload.tid !== '' ? payload.tid : undefined;
      if (!payload.sub || !tenantId) throw unauthenticated('The token has no subject (sub) or tenant (tid).');
      const roles = (Array.isArray(payload.roles) ? payload.roles : []).filter((role): role is Role => (ROLES as readonly unknown[]).includes(role));
      return {
        subject: payload.sub,
        tenantId,
        roles,
        ...(typeof payload.name === 'string' ? { name: payload.name } : {}),
      };
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
