/** OAuth 2.0 tokens as the capability keeps them. */
export interface OAuthTokens {
  readonly accessToken: string;
  /** Sent on the first exchange (offline access); a refresh may leave it out. */
  readonly refreshToken?: string;
  /** ISO instant the access token expires. */
  readonly expiresAt: string;
}

export interface PkcePair {
  readonly verifier: string;
  readonly challenge: string;
}

/**
 * The authorisation-code flow with PKCE against the calendar provider's OAuth endpoints.
 * Failures are `CalendarFailure`s; a refused code or refresh token is `invalid_grant`.
 */
export interface CalendarAuthorization {
  newPkcePair(): Promise<PkcePair>;
  /** Offline access, consent prompt, S256 challenge, the signed state. */
  authorizationUrl(request: { readonly state: string; readonly codeChallenge: string; readonly loginHint?: string }): string;
  exchangeCode(code: string, verifier: string): Promise<OAuthTokens>;
  refresh(refreshToken: string): Promise<OAuthTokens>;
  revoke(token: string): Promise<void>;
}

/** The `state` of an authorisation: who started it, signed and short-lived. */
export interface OAuthStateClaims {
  readonly tenantId: string;
  readonly recruiterId: string;
  /** One-time value matched against the connection's pending authorisation. */
  readonly nonce: string;
}

export interface OAuthStateSigner {
  sign(claims: OAuthStateClaims, expiresInSeconds: number): Promise<string>;
  /** The claims of a valid, unexpired state; `undefined` otherwise. */
  verify(state: string): Promise<OAuthStateClaims | undefined>;
}
