import { createHash, randomBytes } from 'node:crypto';

export interface OAuthClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: readonly string[];
}

interface AuthorizationCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly account: string;
  readonly scope: string;
  readonly codeChallenge?: string;
  readonly codeChallengeMethod?: string;
  readonly expiresAt: number;
  used: boolean;
}

interface RefreshToken {
  readonly clientId: string;
  readonly account: string;
  readonly scope: string;
  revoked: boolean;
}

interface AccessToken {
  readonly account: string;
  readonly refreshToken?: string;
  readonly scope: string;
  expiresAt: number;
}

export type TokenGrant =
  | { readonly ok: true; readonly body: Record<string, unknown> }
  | { readonly ok: false; readonly status: number; readonly error: string; readonly description: string };

/** Access tokens live an hour, as Google's do. */
const ACCESS_TOKEN_SECONDS = 3599;

const token = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;

/**
 * The fake's OAuth 2.0 authorisation server: registered clients, one-time codes (10 minutes,
 * PKCE S256 or plain checked), refresh tokens (revocable) and access tokens (an hour).
 */
export class FakeOAuthState {
  readonly clients = new Map<string, OAuthClient>();
  readonly #codes = new Map<string, AuthorizationCode>();
  readonly refreshTokens = new Map<string, RefreshToken>();
  readonly accessTokens = new Map<string, AccessToken>();
  #accounts = 0;

  registerClient(client: OAuthClient): void {
    this.clients.set(client.clientId, client);
  }

  /** The account a consent signs in as: the login hint, or a fresh one. */
  accountFor(loginHint: string | null): string {
    if (loginHint && /^[^\s@]+@[^\s@]+$/.test(loginHint)) return loginHint.toLowerCase();
    this.#accounts += 1;
    return `user-${this.#accounts}@calendar.fake`;
  }

  issueCode(code: Omit<AuthorizationCode, 'used' | 'expiresAt'>): string {
    const value = token('4/');
    this.#codes.set(value, { ...code, expiresAt: Date.now() + 600_000, used: false });
    return value;
  }

  clientFrom(params: URLSearchParams, authorization: string | undefined): OAuthClient | undefined {
    let id = params.get('client_id');
    let secret = params.get('client_secret');
    const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
    if (basic) [id, secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':') as [string, string];
    const client = id ? this.clients.get(id) : undefined;
    return client !== undefined && client.clientSecret === secret ? client : undefined;
  }

  exchangeCode(client: OAuthClient, params: URLSearchParams): TokenGrant {
    const code = this.#codes.get(params.get('code') ?? '');
    const refused = (description: string): TokenGrant => ({ ok: false, status: 400, error: 'invalid_grant', description });
    if (code === undefined || code.clientId !== client.clientId) return refused('Malformed auth code.');
    if (code.used) return refused('Bad Request');
    if (code.expiresAt <= Date.now()) return refused('Bad Request');
    if (params.get('redirect_uri') !== code.redirectUri) return { ok: false, status: 400, error: 'redirect_uri_mismatch', description: 'Bad Request' };
    if (code.codeChallenge !== undefined) {
      const verifier = params.get('code_verifier') ?? '';
      const derived = code.codeChallengeMethod === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
      if (verifier === '' || derived !== code.codeChallenge) return refused('Invalid code verifier.');
    }
    code.used = true;
    const refresh = token('1//');
    this.refreshTokens.set(refresh, { clientId: client.clientId, account: code.account, scope: code.scope, revoked: false });
    return { ok: true, body: { ...this.#newAccessToken(code.account, code.scope, refresh), refresh_token: refresh } };
  }

  refresh(client: OAuthClient, params: URLSearchParams): TokenGrant {
    const value = params.get('refresh_token') ?? '';
    const stored = this.refreshTokens.get(value);
    if (stored === undefined || stored.revoked || stored.clientId !== client.clientId) {
      return { ok: false, status: 400, error: 'invalid_grant', description: 'Token has been expired or revoked.' };
    }
    return { ok: true, body: this.#newAccessToken(stored.account, stored.scope, value) };
  }

  #newAccessToken(account: string, scope: string, refreshToken: string): Record<string, unknown> {
    const access = token('ya29.');
    this.accessTokens.set(access, { account, scope, refreshToken, expiresAt: Date.now() + ACCESS_TOKEN_SECONDS * 1000 });
    return { access_token: access, expires_in: ACCESS_TOKEN_SECONDS, scope, token_type: 'Bearer' };
  }

  /** Revokes a refresh token (with its access tokens) or one access token; false when unknown. */
  revoke(value: string): boolean {
    const refresh = this.refreshTokens.get(value);
    if (refresh !== undefined) {
      refresh.revoked = true;
      for (const [key, access] of this.accessTokens) if (access.refreshToken === value) this.accessTokens.delete(key);
      return true;
    }
    return this.accessTokens.delete(value);
  }

  /** Every refresh token of an account refused from now on (as if the user removed the app). */
  revokeAccount(account: string): number {
    let count = 0;
    for (const [value, refresh] of this.refreshTokens) {
      if (refresh.account === account && !refresh.revoked) {
        this.revoke(value);
        count += 1;
      }
    }
    return count;
  }

  /** The account a bearer token acts for; `undefined` when unknown or expired. */
  accountOf(authorization: string | undefined): string | undefined {
    const match = /^Bearer\s+(\S+)$/.exec(authorization ?? '');
    const access = match ? this.accessTokens.get(match[1]!) : undefined;
    return access !== undefined && access.expiresAt > Date.now() ? access.account : undefined;
  }

  /** Every access token stops working (clients must refresh). */
  expireAccessTokens(): number {
    for (const access of this.accessTokens.values()) access.expiresAt = 0;
    return this.accessTokens.size;
  }

  snapshot(): unknown {
    return { clients: [...this.clients.values()], refreshTokens: [...this.refreshTokens], accessTokens: [...this.accessTokens], accounts: this.#accounts };
  }

  restore(snapshot: unknown): void {
    const data = snapshot as { clients?: OAuthClient[]; refreshTokens?: [string, RefreshToken][]; accessTokens?: [string, AccessToken][]; accounts?: number };
    for (const client of data.clients ?? []) this.clients.set(client.clientId, client);
    for (const [key, value] of data.refreshTokens ?? []) this.refreshTokens.set(key, value);
    for (const [key, value] of data.accessTokens ?? []) this.accessTokens.set(key, value);
    this.#accounts = data.accounts ?? 0;
  }
}
