import { OAuth2Client, type CodeChallengeMethod } from 'google-auth-library';
import { calendar } from '@googleapis/calendar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGoogleCalendarFake, type GoogleCalendarFake } from '../../local/fakes/google-calendar/index.ts';

const REDIRECT = 'http://127.0.0.1:1/callback';

/** The fake's OAuth 2.0 endpoints, driven by the real `google-auth-library` client. */
describe('Google Calendar fake: OAuth 2.0 with google-auth-library', () => {
  let fake: GoogleCalendarFake;
  beforeAll(async () => {
    fake = await startGoogleCalendarFake({ clients: [{ clientId: 'client-1', clientSecret: 'secret-1', redirectUris: [REDIRECT] }] });
  });
  afterAll(() => fake.stop());

  const client = (secret = 'secret-1') =>
    new OAuth2Client({ clientId: 'client-1', clientSecret: secret, redirectUri: REDIRECT, endpoints: { oauth2AuthBaseUrl: fake.authorizeUrl, oauth2TokenUrl: fake.tokenUrl, oauth2RevokeUrl: fake.revokeUrl } });

  /** Consent (auto) as `email`: the code and state the redirect carries. */
  async function consent(oauth: OAuth2Client, options: { email?: string; challenge?: string; state?: string } = {}) {
    const url = oauth.generateAuthUrl({
      access_type: 'offline',
      prompt: 'consent',
      scope: ['https://www.googleapis.com/auth/calendar.events'],
      state: options.state ?? 'the-state',
      ...(options.challenge ? { code_challenge: options.challenge, code_challenge_method: 'S256' as CodeChallengeMethod } : {}),
      ...(options.email ? { login_hint: options.email } : {}),
    });
    const answer = await fetch(url, { redirect: 'manual' });
    expect(answer.status).toBe(302);
    const location = new URL(answer.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(REDIRECT);
    return { code: location.searchParams.get('code')!, state: location.searchParams.get('state') };
  }

  async function refusal(promise: Promise<unknown>): Promise<{ status: number; error: string }> {
    try {
      await promise;
    } catch (error) {
      const response = (error as { response?: { status: number; data: { error: string } } }).response!;
      return { status: response.status, error: response.data.error };
    }
    throw new Error('expected a refusal');
  }

  it('consents at once, checks PKCE, issues a refresh token, and the access token works on the Calendar API', async () => {
    const oauth = client();
    const { codeVerifier, codeChallenge } = await oauth.generateCodeVerifierAsync();
    const { code, state } = await consent(oauth, { email: 'ann@example.com', challenge: codeChallenge! });
    expect(state).toBe('the-state');
    expect(await refusal(oauth.getToken({ code, codeVerifier: `${codeVerifier}x` }))).toEqual({ status: 400, error: 'invalid_grant' });
    const { tokens } = await oauth.getToken({ code, codeVerifier });
    expect(tokens).toMatchObject({ access_token: expect.stringMatching(/^ya29\./), refresh_token: expect.any(String), token_type: 'Bearer', scope: 'https://www.googleapis.com/auth/calendar.events' });
    expect(tokens.expiry_date).toBeGreaterThan(Date.now() + 3_500_000);
    // A code works once.
    expect(await refusal(oauth.getToken({ code, codeVerifier }))).toEqual({ status: 400, error: 'invalid_grant' });

    oauth.setCredentials(tokens);
    const api = calendar({ version: 'v3', rootUrl: fake.rootUrl, auth: oauth });
    const listing = await api.events.list({ calendarId: 'primary' });
    expect(listing.data).toMatchObject({ kind: 'calendar#events', summary: 'ann@example.com', items: [] });
  });

  it('refuses a wrong client secret, a foreign redirect URI and an unknown client', async () => {
    const { code } = await consent(client());
    expect(await refusal(client('wrong').getToken({ code }))).toEqual({ status: 401, error: 'invalid_client' });
    const foreign = new OAuth2Client({ clientId: 'client-1', clientSecret: 'secret-1', redirectUri: 'http://evil.example/cb', endpoints: { oauth2AuthBaseUrl: fake.authorizeUrl } });
    const answer = await fetch(foreign.generateAuthUrl({ scope: ['x'] }), { redirect: 'manual' });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: 'redirect_uri_mismatch' });
    expect((await fetch(`${fake.authorizeUrl}?client_id=nobody&redirect_uri=${REDIRECT}&response_type=code&scope=x`, { redirect: 'manual' })).status).toBe(401);
  });

  it('refreshes with the refresh token, and answers invalid_grant once it is revoked (or on demand)', async () => {
    const oauth = client();
    const { code } = await consent(oauth, { email: 'bob@example.com' });
    const { tokens } = await oauth.getToken({ code });
    const refresher = client();
    refresher.setCredentials({ refresh_token: tokens.refresh_token! });
    const { credentials } = await refresher.refreshAccessToken();
    expect(credentials.access_token).not.toBe(tokens.access_token);

    fake.inject({ operation: 'oauth.token', status: 400, reason: 'invalid_grant', times: 1 });
    expect(await refusal(refresher.refreshAccessToken())).toEqual({ status: 400, error: 'invalid_grant' });
    expect((await refresher.refreshAccessToken()).credentials.access_token).toBeTruthy();

    await client().revokeToken(tokens.refresh_token!);
    expect(await refusal(refresher.refreshAccessToken())).toEqual({ status: 400, error: 'invalid_grant' });
    // Its access tokens went with it.
    const api = calendar({ version: 'v3', rootUrl: fake.rootUrl });
    const denied = await api.events.list({ calendarId: 'primary' }, { headers: { Authorization: `Bearer ${credentials.access_token}` } }).catch((error: { response: { status: number; data: unknown } }) => error.response);
    expect(denied).toMatchObject({ status: 401, data: { error: { code: 401, errors: [{ reason: 'authError' }], status: 'UNAUTHENTICATED' } } });
  });

  it('gives each consent without a login hint a fresh account', async () => {
    const first = await client().getToken({ code: (await consent(client())).code });
    const second = await client().getToken({ code: (await consent(client())).code });
    const summary = async (token: string) => (await calendar({ version: 'v3', rootUrl: fake.rootUrl }).events.list({ calendarId: 'primary' }, { headers: { Authorization: `Bearer ${token}` } })).data.summary;
    expect(await summary(first.tokens.access_token!)).not.toBe(await summary(second.tokens.access_token!));
  });
});
