import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { DEV_ISSUER } from '../shared/platform/config.ts';

/**
 * The local host's development token issuer: an ES256 key pair kept in the data folder. The
 * app trusts its public half through AUTH_JWKS_FILE, which configuration refuses outside
 * STAGELINE_ENVIRONMENT=local.
 */
export const DEV_AUDIENCE = 'api://stageline';
export const DEV_ROLES = ['candidate', 'recruiter', 'interviewer', 'admin'] as const;
export type DevRole = (typeof DEV_ROLES)[number];

export interface DevIssuer {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksPath: string;
}

const KEY_ID = 'stageline-dev-1';

function paths(dataDir: string) {
  const dir = join(dataDir, 'dev-issuer');
  return { dir, privateKey: join(dir, 'private-key.json'), jwks: join(dir, 'jwks.json') };
}

export async function ensureDevIssuer(dataDir: string): Promise<DevIssuer> {
  const p = paths(dataDir);
  if (!existsSync(p.privateKey) || !existsSync(p.jwks)) {
    mkdirSync(p.dir, { recursive: true });
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = { ...(await exportJWK(privateKey)), kid: KEY_ID, alg: 'ES256' };
    const publicJwk = { ...(await exportJWK(publicKey)), kid: KEY_ID, alg: 'ES256', use: 'sig' };
    writeFileSync(p.privateKey, JSON.stringify(privateJwk), { mode: 0o600 });
    writeFileSync(p.jwks, JSON.stringify({ keys: [publicJwk] }, null, 2));
  }
  return { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, jwksPath: p.jwks };
}

export interface DevTokenClaims {
  readonly role: DevRole;
  readonly tenant: string;
  readonly sub: string;
  readonly name?: string;
  readonly expiresInSeconds?: number;
}

/** Signs a token the local host accepts; claims follow Microsoft Entra ID (`tid`, `roles`). */
export async function signDevToken(dataDir: string, claims: DevTokenClaims): Promise<string> {
  await ensureDevIssuer(dataDir);
  const jwk = JSON.parse(readFileSync(paths(dataDir).privateKey, 'utf8')) as JWK;
  const key = await importJWK(jwk, 'ES256');
  return new SignJWT({ tid: claims.tenant, roles: [claims.role], ...(claims.name ? { name: claims.name } : {}) })
    .setProtectedHeader({ alg: 'ES256', kid: KEY_ID, typ: 'JWT' })
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(`${claims.expiresInSeconds ?? 8 * 3600}s`)
    .sign(key);
}

/**
 * Signs any claim set with the development key (tests of the claim rules: wrong types, lengths,
 * missing or extra claims). `iss` and `aud` are the development issuer's unless the claims say otherwise.
 */
export async function signDevClaims(dataDir: string, claims: Record<string, unknown>): Promise<string> {
  await ensureDevIssuer(dataDir);
  const jwk = JSON.parse(readFileSync(paths(dataDir).privateKey, 'utf8')) as JWK;
  const key = await importJWK(jwk, 'ES256');
  return new SignJWT({ iss: DEV_ISSUER, aud: DEV_AUDIENCE, ...claims }).setProtectedHeader({ alg: 'ES256', kid: KEY_ID, typ: 'JWT' }).sign(key);
}
