import { OAuth2Client, type CodeChallengeMethod } from 'google-auth-library';
import { recordCalendarCall } from '../calendar-metrics.ts';
import { CalendarFailure } from '../domain/calendar-failure.ts';
import type { CalendarAuthorization, OAuthTokens, PkcePair } from '../ports/calendar-authorization.port.ts';
import { toCalendarFailure } from './google-calendar.adapter.ts';

/** Scopes are the seed's, unchanged: events only. */
export const CALENDAR_SCOPES = ['https://www.googleapis.com/auth/calendar.events'] as const;

export interface GoogleOAuthConfig {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  readonly revokeUrl: string;
  readonly timeoutMs: number;
}

/**
 * Google's OAuth 2.0 authorisation-code flow with PKCE through `google-auth-library`'s
 * `OAuth2Client`, its endpoints configurable (Google in Azure, the fake locally). One client
 * per call: tokens never sit in a shared object. The library's own retries are off; a refused
 * code or refresh token (`invalid_grant`) is a `CalendarFailure` of that kind.
 */
export class GoogleOAuthAdapter implements CalendarAuthorization {
  readonly #config: GoogleOAuthConfig;

  constructor(config: GoogleOAuthConfig) {
    this.#config = config;
  }

  #client(): OAuth2Client {
    const client = new OAuth2Client({
      clientId: this.#config.clientId,
      clientSecret: this.#config.clientSecret,
      redirectUri: this.#config.redirectUri,
      endpoints: { oauth2AuthBaseUrl: this.#config.authorizeUrl, oauth2TokenUrl: this.#config.tokenUrl, oauth2RevokeUrl: this.#config.revokeUrl },
    });
    // The library asks its transporter for retries on every token request; the use cases retry
    // within their own budget instead (and a code must never be exchanged twice).
    const transporter = client.transporter;
    const request = transporter.request.bind(transporter) as (options: object) => Promise<unknown>;
    (transporter as unknown as { request: (options: object) => Promise<unknown> }).request = (options) =>
      request({ ...options, retry: false, timeout: this.#config.timeoutMs });
    return client;
  }

  async newPkcePair(): Promise<PkcePair> {
    const { codeVerifier, codeChallenge } = await this.#client().generateCodeVerifierAsync();
    if (codeChallenge === undefined) throw new Error('google-auth-library returned no code challenge');
    return { verifier: codeVerifier, challenge: codeChallenge };
  }

  authorizationUrl(request: { state: string; codeChallenge: string; loginHint?: string }): string {
    return this.#client().generateAuthUrl({
      access_type: 'offline',
      prompt: 'consent',
      scope: [...CALENDAR_SCOPES],
      include_granted_scopes: false,
      state: request.state,
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256' as CodeChallengeMethod,
      ...(request.loginHint ? { login_hint: request.loginHint } : {}),
    });
  }

  async exchangeCode(code: string, verifier: string): Promise<OAuthTokens> {
    const { tokens } = await this.#run('oauth.exchange', () => this.#client().getToken({ code, codeVerifier: verifier }));
    return toTokens('oauth.exchange', tokens);
  }

  async refresh(refreshToken: string): Promise<OAuthTokens> {
    const client = this.#client();
    client.setCredentials({ refresh_token: refreshToken });
    const { credentials } = await this.#run('oauth.refresh', () => client.refreshAccessToken());
    return toTokens('oauth.refresh', credentials);
  }

  async revoke(token: string): Promise<void> {
    await this.#run('oauth.revoke', () => this.#client().revokeToken(token));
  }

  async #run<R>(operation: string, call: () => Promise<R>): Promise<R> {
    const started = performance.now();
    try {
      const result = await call();
      recordCalendarCall(operation, 'success', performance.now() - started);
      return result;
    } catch (error) {
      const failure = oauthFailure(operation, error);
      recordCalendarCall(operation, failure.kind, performance.now() - started);
      throw failure;
    }
  }
}

function toTokens(operation: string, tokens: { access_token?: string | null; refresh_token?: string | null; expiry_date?: number | null }): OAuthTokens {
  if (!tokens.access_token) throw new CalendarFailure(operation, 'invalid_request', { message: `${operation}: no access token in the answer` });
  return {
    accessToken: tokens.access_token,
    ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
    expiresAt: new Date(tokens.expiry_date ?? Date.now() + 3_600_000).toISOString(),
  };
}

/** The token endpoint answers `{ error: 'invalid_grant', error_description }` with 400 for a refused grant. */
function oauthFailure(operation: string, error: unknown): CalendarFailure {
  const data = (error as { response?: { data?: { error?: unknown } } } | undefined)?.response?.data;
  const status = (error as { response?: { status?: number } } | undefined)?.response?.status;
  if (data?.error === 'invalid_grant') return new CalendarFailure(operation, 'invalid_grant', { ...(status ? { status } : {}), reason: 'invalid_grant', cause: error });
  return toCalendarFailure(operation, error);
}
