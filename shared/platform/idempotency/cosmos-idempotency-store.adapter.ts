import type { Database } from '@azure/cosmos';
import { z } from 'zod';
import { CosmosDocuments } from '../cosmos/cosmos-documents.ts';
import type { CosmosRequestMeter } from '../cosmos/cosmos-request-meter.ts';
import type { BeginResult, IdempotencyLease, IdempotencyStore } from './idempotency.ts';
import { IDEMPOTENCY_LEASE_SECONDS, IDEMPOTENCY_TTL_SECONDS } from './idempotency.ts';

export interface CosmosIdempotencyStoreOptions {
  readonly database: Database;
  readonly meter?: Pick<CosmosRequestMeter, 'record'>;
  readonly containerId?: string;
}

/** One record of the `idempotency` container (id = key = the hashed record key). */
const idempotencyRecordSchema = z.object({
  id: z.string().min(1),
  key: z.string().min(1),
  fingerprint: z.string(),
  state: z.enum(['pending', 'completed']),
  lockedUntil: z.string(),
  createdAt: z.string(),
  response: z.unknown().optional(),
  ttl: z.number().int(),
});

type IdempotencyRecord = z.infer<typeof idempotencyRecordSchema>;

/**
 * `IdempotencyStore` on the `idempotency` container (partition key `/key`, TTL 24 h). The lease
 * is the pending record's `_etag`: completing or releasing is conditioned on it, so a request
 * whose lease was taken over cannot overwrite the new owner's record.
 */
export class CosmosIdempotencyStore implements IdempotencyStore {
  readonly #records: CosmosDocuments<IdempotencyRecord>;

  constructor(options: CosmosIdempotencyStoreOptions) {
    this.#records = new CosmosDocuments({
      container: options.database.container(options.containerId ?? 'idempotency'),
      schema: idempotencyRecordSchema,
      partitionKeyOf: (record) => record.key,
      meter: options.meter,
    });
  }

  async begin(recordKey: string, fingerprint: string, now: string): Promise<BeginResult> {
    const record: IdempotencyRecord = {
      id: recordKey,
      key: recordKey,
      fingerprint,
      state: 'pending',
      lockedUntil: new Date(Date.parse(now) + IDEMPOTENCY_LEASE_SECONDS * 1000).toISOString(),
      createdAt: now,
      ttl: IDEMPOTENCY_TTL_SECONDS,
    };
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const created = await this.#records.create(record);
      if (created !== 'exists') return { kind: 'started', lease: { etag: created.etag, fingerprint, createdAt: now } };
      const existing = await this.#records.read(recordKey, recordKey);
      if (existing === undefined) continue; // expired or released in between: try to create again
      const found = existing.document;
      if (found.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (found.state === 'completed') return { kind: 'replay', response: found.response };
      if (Date.parse(found.lockedUntil) > Date.parse(now)) return { kind: 'in_progress' };
      const taken = await this.#records.replace(record, existing.etag);
      if (taken !== undefined && taken !== 'conflict') return { kind: 'started', lease: { etag: taken.etag, fingerprint, createdAt: now } };
    }
    return { kind: 'in_progress' };
  }

  /** A lease that was taken over (conflict) or expired (gone) leaves the other record alone. */
  async complete(recordKey: string, lease: IdempotencyLease, response: unknown): Promise<void> {
    const record: IdempotencyRecord = {
      id: recordKey,
      key: recordKey,
      fingerprint: lease.fingerprint,
      state: 'completed',
      lockedUntil: lease.createdAt,
      createdAt: lease.createdAt,
      response,
      ttl: IDEMPOTENCY_TTL_SECONDS,
    };
    await this.#records.replace(record, lease.etag);
  }

  async release(recordKey: string, lease: IdempotencyLease): Promise<void> {
    await this.#records.delete(recordKey, recordKey, lease.etag);
  }
}
