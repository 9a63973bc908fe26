import type { Container, CosmosDiagnostics, Database, ItemDefinition } from '@azure/cosmos';
import type { BeginResult, IdempotencyLease, IdempotencyStore } from './idempotency.ts';
import { IDEMPOTENCY_LEASE_SECONDS, IDEMPOTENCY_TTL_SECONDS } from './idempotency.ts';

/** Anything that counts Cosmos DB requests (the stage module's `CosmosRequestMeter`). */
export interface CosmosOperationMeter {
  record(container: string, operation: string, diagnostics: CosmosDiagnostics | undefined): void;
}

export interface CosmosIdempotencyStoreOptions {
  readonly database: Database;
  readonly meter?: CosmosOperationMeter;
  readonly containerId?: string;
}

interface IdempotencyRecord extends ItemDefinition {
  id: string;
  key: string;
  fingerprint: string;
  state: 'pending' | 'completed';
  lockedUntil: string;
  createdAt: string;
  response?: unknown;
  ttl: number;
}

type CosmosFailure = { code?: unknown; diagnostics?: CosmosDiagnostics };

/**
 * `IdempotencyStore` on the `idempotency` container (partition key `/key`, TTL 24 h). The lease
 * is the pending record's `_etag`: completing or releasing is conditioned on it, so a request
 * whose lease was taken over cannot overwrite the new owner's record.
 */
export class CosmosIdempotencyStore implements IdempotencyStore {
  readonly #container: Container;
  readonly #meter: CosmosOperationMeter | undefined;
  readonly #name: string;

  constructor(options: CosmosIdempotencyStoreOptions) {
    this.#name = options.containerId ?? 'idempotency';
    this.#container = options.database.container(this.#name);
    this.#meter = options.meter;
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
      const created = await this.#call('create', () => this.#container.items.create<IdempotencyRecord>(record), [409]);
      if (created !== undefined) return { kind: 'started', lease: { etag: created.etag, fingerprint, createdAt: now } };
      const existing = await this.#call('read', () => this.#container.item(recordKey, recordKey).read<IdempotencyRecord>());
      const found = existing?.resource;
      if (found === undefined) continue; // expired or released in between: try to create again
      if (found.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (found.state === 'completed') return { kind: 'replay', response: found.response };
      if (Date.parse(found.lockedUntil) > Date.parse(now)) return { kind: 'in_progress' };
      const taken = await this.#call(
        'replace',
        () => this.#container.item(recordKey, recordKey).replace<IdempotencyRecord>(record, { accessCondition: { type: 'IfMatch', condition: existing!.etag } }),
        [404, 412],
      );
      if (taken !== undefined) return { kind: 'started', lease: { etag: taken.etag, fingerprint, createdAt: now } };
    }
    return { kind: 'in_progress' };
  }

  /** A lease that was taken over (412) or expired (404) leaves the other record alone. */
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
    await this.#call(
      'replace',
      () => this.#container.item(recordKey, recordKey).replace<IdempotencyRecord>(record, { accessCondition: { type: 'IfMatch', condition: lease.etag } }),
      [404, 412],
    );
  }

  async release(recordKey: string, lease: IdempotencyLease): Promise<void> {
    await this.#call('delete', () => this.#container.item(recordKey, recordKey).delete({ accessCondition: { type: 'IfMatch', condition: lease.etag } }), [404, 412]);
  }

  /** One SDK call, counted; `undefined` when it failed with one of the `expected` statuses. */
  async #call<T extends { diagnostics?: CosmosDiagnostics; statusCode?: number }>(
    operation: string,
    run: () => Promise<T>,
    expected: readonly number[] = [],
  ): Promise<T | undefined> {
    try {
      const response = await run();
      this.#meter?.record(this.#name, operation, response.diagnostics);
      return response.statusCode === 404 ? undefined : response;
    } catch (error) {
      const failure = error as CosmosFailure;
      this.#meter?.record(this.#name, operation, failure.diagnostics);
      if (expected.includes(Number(failure.code))) return undefined;
      throw error;
    }
  }
}
