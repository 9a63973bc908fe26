import { createHash } from 'node:crypto';
import { canonicalJson } from '../../platform/canonical-json.ts';

/** `prevHash` of an application's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** An HMAC over a chain position, by a key that is not stored in Cosmos DB (see `ChainSigner`). */
export interface ChainSignature {
  readonly kid: string;
  readonly mac: string;
}

/**
 * Where an event sits in its application's hash chain, fixed when the event is committed:
 * `hash` = SHA-256 over the canonical JSON of `{ id, applicationId, seq, prevHash, event }`
 * (the event without its chain fields), `prevHash` = the previous event's `hash`. The mutation
 * path signs each new link (`kid`, `mac`); the timeline copies them into its entries.
 */
export interface ChainLink {
  readonly prevHash: string;
  readonly hash: string;
  readonly kid?: string;
  readonly mac?: string;
}

/** The last link of an application's chain, kept in the application document and signed on every write. */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
  readonly kid?: string;
  readonly mac?: string;
}

export interface ChainedEvent {
  readonly id: string;
  readonly applicationId: string;
  readonly seq: number;
}

/** The hash of the event at its place after `prevHash`; the event's own `chain` field never takes part. */
export function eventHash<E extends ChainedEvent & { readonly chain?: unknown }>(event: E, prevHash: string): string {
  const { chain: _chain, ...body } = event;
  const unsealed = { id: body.id, applicationId: body.applicationId, seq: body.seq, prevHash, event: body };
  return createHash('sha256').update(canonicalJson(unsealed), 'utf8').digest('hex');
}

/** What a chain signature signs: the application, the position and the hash there. */
export function signedText(applicationId: string, seq: number, hash: string): string {
  return `stageline-chain-v2\n${applicationId}\n${seq}\n${hash}`;
}
