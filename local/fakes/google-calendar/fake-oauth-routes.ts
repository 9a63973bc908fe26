import { readForm } from './fake-http.ts';
import { route, type FakeAnswer, type FakeRoute } from './fake-context.ts';

const oauthError = (status: number, error: string, description: string): FakeAnswer => ({ status, body: { error, error_description: description } });

/**
 * Google's OAuth 2.0 endpoints, as `google-auth-library` uses them:
 * - `GET /o/oauth2/v2/auth`: consents at once (as `login_hint`, or a fresh account) and redirects
 *   to the registered `redirect_uri` with `code` and `state`; the PKCE challenge is kept;
 * - `POST /token`: `authorization_code` (client secret, one-time code, same redirect URI, PKCE
 *   verifier) and `refresh_token` grants; refusals are 400 `invalid_grant`;
 * - `POST /revoke`: revokes a refresh token (and its access tokens) or an access token.
 */
export const oauthRoutes: FakeRoute[] = [
  route('GET', '/o/oauth2/v2/auth', 'oauth.authorize', async (ctx, { url }) => {
    const query = url.searchParams;
    const client = ctx.oauth.clients.get(query.get('client_id') ?? '');
    if (client === undefined) return oauthError(401, 'invalid_client', 'The OAuth client was not found.');
    const redirectUri = query.get('redirect_uri') ?? '';
    if (!client.redirectUris.includes(redirectUri)) return oauthError(400, 'redirect_uri_mismatch', `redirect_uri ${redirectUri} is not registered for this client.`);
    if (query.get('response_type') !== 'code') return oauthError(400, 'unsupported_response_type', 'Only response_type=code is supported.');
    const scope = query.get('scope') ?? '';
    if (scope.trim() === '') return oauthError(400, 'invalid_request', 'Missing required parameter: scope');
    const method = query.get('code_challenge_method') ?? undefined;
    const challenge = query.get('code_challenge') ?? undefined;
    if (method !== undefined && method !== 'S256' && method !== 'plain') return oauthError(400, 'invalid_request', 'Invalid code_challenge_method');
    const target = new URL(redirectUri);
    const state = query.get('state');
    const code = ctx.oauth.issueCode({
      clientId: client.clientId,
      redirectUri,
      account: ctx.oauth.accountFor(query.get('login_hint')),
      scope,
      ...(challenge === undefined ? {} : { codeChallenge: challenge, codeChallengeMethod: method ?? 'plain' }),
    });
    target.searchParams.set('code', code);
    target.searchParams.set('scope', scope);
    if (state !== null) target.searchParams.set('state', state);
    ctx.changed();
    return { status: 302, headers: { location: target.toString() } };
  }),
  route('POST', '/token', 'oauth.token', async (ctx, request) => {
    const params = readForm(request);
    const client = ctx.oauth.clientFrom(params, request.req.headers.authorization);
    if (client === undefined) return oauthError(401, 'invalid_client', 'Unauthorized');
    const grant = params.get('grant_type');
    const result = grant === 'authorization_code' ? ctx.oauth.exchangeCode(client, params) : grant === 'refresh_token' ? ctx.oauth.refresh(client, params) : undefined;
    if (result === undefined) return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grant ?? ''}`);
    ctx.changed();
    return result.ok ? { status: 200, body: result.body } : oauthError(result.status, result.error, result.description);
  }),
  route('POST', '/revoke', 'oauth.revoke', async (ctx, request) => {
    const { url } = request;
    const params = readForm(request);
    const token = url.searchParams.get('token') ?? params.get('token') ?? '';
    if (!ctx.oauth.revoke(token)) return oauthError(400, 'invalid_token', 'Token expired or revoked');
    ctx.changed();
    return { status: 200, body: {} };
  }),
];

/** The body a faulted OAuth request answers with: `{ error, error_description }`. */
export function oauthFaultAnswer(status: number, reason: string | undefined): FakeAnswer {
  const error = reason ?? (status >= 500 ? 'internal_failure' : 'invalid_request');
  const description = error === 'invalid_grant' ? 'Token has been expired or revoked.' : status >= 500 ? 'Backend Error' : 'Bad Request';
  return oauthError(status, error, description);
}
