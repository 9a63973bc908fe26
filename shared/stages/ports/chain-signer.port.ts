import type { ChainSignature } from '../domain/event-chain.ts';

/**
 * Signs positions of an application's event chain with a key kept outside Cosmos DB (app
 * settings; Key Vault in Azure), so a chain rewritten in the database, however consistently
 * re-hashed, no longer verifies.
 */
export interface ChainSigner {
  sign(applicationId: string, seq: number, hash: string): ChainSignature;
  /** True when the signature is this key ring's, for exactly this position and hash. */
  verify(applicationId: string, seq: number, hash: string, signature: Partial<ChainSignature>): boolean;
}
