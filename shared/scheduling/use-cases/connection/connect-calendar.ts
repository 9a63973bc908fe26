import { randomBytes } from 'node:crypto';
import type { Access } from '../../../auth/domain/permissions.ts';
import { seal } from '../../../platform/crypto/envelope.ts';
import { connectionAad, emptyConnection } from '../../domain/calendar-connection.ts';
import type { ConnectCalendarBody } from '../../api/calendar-connection.schema.ts';
import { updateConnection } from '../calendar-session.ts';
import type { SchedulingDeps } from '../scheduling-deps.ts';

/** How long the link to Google's consent screen stays usable. */
export const AUTHORIZATION_TTL_SECONDS = 600;

/**
 * `POST /api/calendar/connect`: the recruiter starts the OAuth 2.0 authorisation-code flow
 * (offline access, consent prompt, PKCE S256). The PKCE verifier stays with the connection,
 * encrypted; the `state` is signed and names tenant, recruiter and a one-time nonce (10 minutes).
 * An existing connection keeps working until the new authorisation completes.
 */
export async function connectCalendar(deps: SchedulingDeps, access: Access, body: ConnectCalendarBody): Promise<{ authorizationUrl: string; expiresAt: string }> {
  const { tenantId } = access;
  const recruiterId = access.actor.id;
  const now = deps.clock.now();
  const expiresAt = new Date(Date.parse(now) + AUTHORIZATION_TTL_SECONDS * 1000).toISOString();
  const pkce = await deps.authorization.newPkcePair();
  const nonce = randomBytes(24).toString('base64url');
  const authorization = { nonce, verifier: seal(deps.keyring, pkce.verifier, connectionAad(tenantId, recruiterId, 'verifier')), startedAt: now, expiresAt };
  const created = await deps.connections.create({ ...emptyConnection(tenantId, recruiterId, now), authorization });
  if (created === 'exists') await updateConnection(deps, tenantId, recruiterId, (connection) => ({ ...connection, authorization, updatedAt: now }));
  const state = await deps.stateSigner.sign({ tenantId, recruiterId, nonce }, AUTHORIZATION_TTL_SECONDS);
  return { authorizationUrl: deps.authorization.authorizationUrl({ state, codeChallenge: pkce.challenge, ...(body.loginHint ? { loginHint: body.loginHint } : {}) }), expiresAt };
}
