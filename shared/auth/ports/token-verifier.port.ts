import type { Principal } from '../domain/principal.ts';

/** Turns an `Authorization` header into a verified principal. */
export interface TokenVerifier {
  /** The principal behind an `Authorization: Bearer …` header; `AUTH.UNAUTHENTICATED` otherwise. */
  verify(authorization: string | null | undefined): Promise<Principal>;
}
