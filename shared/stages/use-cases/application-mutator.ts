import { DYNAMIC_STAGES_FLAG, type FeatureGate } from '../../flags/ports/feature-gate.port.ts';
import type { Clock } from '../../platform/clock.ts';
import { DomainError } from '../../platform/errors.ts';
import type { ApplicationDocument } from '../domain/application.schema.ts';
import type { ApplicationRepository } from '../ports/application-repository.port.ts';
import { assertCanSee } from '../domain/application-access.ts';
import { assertWithinByteBudget } from '../domain/application-limits.ts';
import type { ChainSigner } from '../ports/chain-signer.port.ts';
import type { PublishedEvents } from '../ports/published-events.port.ts';
import { dropPublished } from '../domain/application.ts';
import { signChain } from './sign-chain.ts';
import type { Access } from '../../auth/domain/permissions.ts';


/** A change to apply: the pure aggregate function's result, which carries the next document. */
export type ApplicationChange<R extends { readonly application: ApplicationDocument }> = (application: ApplicationDocument, now: string) => R;

export interface ApplicationMutatorOptions {
  readonly repository: ApplicationRepository;
  readonly flags: FeatureGate;
  readonly clock: Clock;
  /** Signs each committed event's chain link and the chain head (a key outside Cosmos DB). */
  readonly signer: ChainSigner;
  /** Tells which outbox events have left, so a mutation can drop them (the publisher never writes the document). */
  readonly published: PublishedEvents;
  /** Re-reads and re-applications after a lost conditional replace (default 5). */
  readonly maxRetries?: number;
  /** Base of the jittered exponential backoff between attempts, in ms (default 5). */
  readonly backoffBaseMs?: number;
  readonly random?: () => number;
}

/** Outbox size at which a mutation checks whether its events have left (then drops them). */
export const OUTBOX_CHECK_AT = 8;

/** Seconds a caller should wait before retrying when the flag provider does not answer. */
export const FLAG_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/**
 * The one path every dynamic-stage mutation takes:
 * 1. the `FEATURE_DYNAMIC_STAGES` gate: off → `FEATURE.DISABLED`, unavailable →
 *    `FEATURE.UNAVAILABLE` (retry after 5 s); nothing is read or written;
 * 2. one point read; another tenant's (or, for a candidate, another candidate's) application is
 *    `APPLICATION.NOT_FOUND`;
 * 3. the pure aggregate function, which appends its outbox events (each linked into the
 *    application's hash chain) to the document; events that have left are dropped from the
 *    outbox on the way (checked every few mutations: the publisher never writes the document);
 * 4. the new chain links and the chain head signed (`ChainSigner`), the document checked against
 *    its byte budget (`APPLICATION.LIMIT_REACHED`);
 * 5. one replace conditioned on the read's `_etag`, so the change and its events commit together.
 * When another writer got there first (412), it re-reads and re-applies, up to `maxRetries`
 * times with jittered backoff, then gives up with `APPLICATION.CONCURRENT_UPDATE`. A change that
 * throws writes nothing. Events reach the bus and the timeline only from the committed outbox.
 */
export class ApplicationMutator {
  readonly #repository: ApplicationRepository;
  readonly #flags: FeatureGate;
  readonly #clock: Clock;
  readonly #maxRetries: number;
  readonly #backoffBaseMs: number;
  readonly #random: () => number;
  readonly #signer: ChainSigner;
  readonly #published: PublishedEvents;

  constructor(options: ApplicationMutatorOptions) {
    this.#signer = options.signer;
    this.#published = options.published;
    this.#repository = options.repository;
    this.#flags = options.flags;
    this.#clock = options.clock;
    this.#maxRetries = options.maxRetries ?? 5;
    this.#backoffBaseMs = options.backoffBaseMs ?? 5;
    this.#random = options.random ?? Math.random;
  }

  /** Throws unless dynamic-stage mutations are enabled right now. */
  async assertEnabled(): Promise<void> {
    const state = await this.#flags.state(DYNAMIC_STAGES_FLAG);
    if (state.status === 'on') return;
    if (state.status === 'off') {
      throw new DomainError('FEATURE.DISABLED', { details: { flag: DYNAMIC_STAGES_FLAG } });
    }
    throw new DomainError('FEATURE.UNAVAILABLE', {
      details: { flag: DYNAMIC_STAGES_FLAG },
      retry: { after: FLAG_UNAVAILABLE_RETRY_AFTER_SECONDS },
    });
  }

  async mutate<R extends { readonly application: ApplicationDocument }>(
    access: Access,
    applicationId: string,
    change: ApplicationChange<R>,
  ): Promise<R> {
    await this.assertEnabled();
    for (let attempt = 0; attempt <= this.#maxRetries; attempt += 1) {
      if (attempt > 0) await this.#backoff(attempt);
      const current = await this.#repository.get(access.tenantId, applicationId);
      if (current === undefined) throw new DomainError('APPLICATION.NOT_FOUND', { details: { applicationId } });
      assertCanSee(current.document, access.tenantId, access.actor);
      const result = change(await this.#withoutPublished(current.document), this.#clock.now());
      const next = signChain(result.application, current.document.eventSeq, this.#signer);
      assertWithinByteBudget(next);
      const written = await this.#repository.replace(next, current.etag);
      if (written !== 'conflict') return { ...result, application: written.document };
    }
    throw new DomainError('APPLICATION.CONCURRENT_UPDATE', {
      details: { applicationId, attempts: this.#maxRetries + 1 },
      retry: { after: 1 },
    });
  }

  /**
   * Once the outbox holds `OUTBOX_CHECK_AT` events, asks whether the newest has left; if so, none
   * of them needs to stay. One point read every few mutations instead of a write per publish.
   */
  async #withoutPublished(document: ApplicationDocument): Promise<ApplicationDocument> {
    if (document.outbox.length < OUTBOX_CHECK_AT) return document;
    const newest = document.outbox.reduce((max, event) => Math.max(max, event.seq), 0);
    return (await this.#published.isPublished(document.tenantId, document.id, newest)) ? dropPublished(document, newest) : document;
  }

  #backoff(attempt: number): Promise<void> {
    const ms = this.#random() * this.#backoffBaseMs * 2 ** attempt;
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}
