import type { ApplicationProperties } from './broker-types.ts';
import type { EncodedBody } from './message-body-codec.ts';

/** A message as the broker keeps it, without its (never persisted) lock. */
export interface StoredMessage {
  readonly seq: number;
  readonly messageId: string;
  readonly body: EncodedBody;
  readonly contentType?: string;
  readonly subject?: string;
  readonly correlationId?: string;
  readonly applicationProperties?: ApplicationProperties;
  /** Epoch ms the sender's call was accepted. */
  readonly sentAt: number;
  /** Epoch ms before which the message is hidden (a scheduled message). */
  readonly scheduledAt?: number;
  deliveryCount: number;
  deadLetterReason?: string;
  deadLetterErrorDescription?: string;
}

/**
 * One line of the journal. Live calls append these and the broker applies the very same
 * records on replay, so replay cannot drift from what the live calls did.
 *
 * - `send`: messages accepted by a queue or topic, each with the receivable paths it landed in
 *   (fan-out is recorded, not recomputed, so a later filter change does not rewrite history).
 * - `deliver`: the messages were handed out under a lock (deliveryCount + 1 each).
 * - `complete`, `deadLetter`, `cancel`: settlements and cancellations.
 * - `expire`: messages whose time to live ran out, dropped (an entity that dead-letters expired
 *   messages records a `deadLetter` with reason `TTLExpiredException` instead).
 * - `sequence`, `dedupe`, `put`: the snapshot a compaction writes (next sequence number,
 *   duplicate-detection history, one live message).
 */
export type JournalRecord =
  | { readonly op: 'send'; readonly entity: string; readonly at: number; readonly items: readonly { readonly m: StoredMessage; readonly to: readonly string[] }[] }
  | { readonly op: 'deliver'; readonly path: string; readonly seqs: readonly number[] }
  | { readonly op: 'complete'; readonly path: string; readonly seq: number }
  | { readonly op: 'deadLetter'; readonly path: string; readonly seq: number; readonly reason?: string; readonly description?: string }
  | { readonly op: 'cancel'; readonly entity: string; readonly seqs: readonly number[] }
  | { readonly op: 'expire'; readonly path: string; readonly seqs: readonly number[] }
  | { readonly op: 'sequence'; readonly entity: string; readonly next: number }
  | { readonly op: 'dedupe'; readonly entity: string; readonly id: string; readonly at: number; readonly seq: number }
  | { readonly op: 'put'; readonly path: string; readonly m: StoredMessage };
