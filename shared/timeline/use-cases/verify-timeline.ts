import type { Access } from '../../auth/domain/permissions.ts';
import { visibleApplication } from '../../stages/domain/application-access.ts';
import type { ApplicationDocument } from '../../stages/domain/application.schema.ts';
import { eventHash, GENESIS_HASH } from '../../stages/domain/event-chain.ts';
import type { ApplicationRepository } from '../../stages/ports/application-repository.port.ts';
import type { ChainSigner } from '../../stages/ports/chain-signer.port.ts';
import { walkChain, type ChainVerification } from '../domain/verify-timeline-chain.ts';
import type { TimelineStore } from '../ports/timeline-store.port.ts';

export interface TimelineVerifyDeps {
  readonly applications: ApplicationRepository;
  readonly timeline: TimelineStore;
  readonly signer: ChainSigner;
}

/**
 * Recomputes an application's whole chain (staff only: `timeline.verify`). Besides changed or
 * missing entries in the middle, it checks the ends against the aggregate: every committed event
 * older than the outbox's oldest must have its entry (a cut-off end reports the first missing
 * seq), no entry may lie beyond the last event the aggregate handed out, the events still in the
 * outbox must continue the chain, and the signed head in the application document must sit at
 * the chain's end (`anchored`).
 */
export async function verifyTimeline(deps: TimelineVerifyDeps, access: Access, applicationId: string): Promise<ChainVerification> {
  const { document } = await visibleApplication(deps.applications, access, applicationId);
  return verifyApplicationTimeline(deps, document);
}

/** The check itself, without access control (the kill test and operators' tooling use it). */
export async function verifyApplicationTimeline(deps: Pick<TimelineVerifyDeps, 'timeline' | 'signer'>, application: ApplicationDocument): Promise<ChainVerification> {
  const walk = await walkChain(application.tenantId, application.id, deps.timeline.all(application.tenantId, application.id), deps.signer);
  const broken = (seq: number): ChainVerification => ({ valid: false, anchored: false, entries: walk.entries, firstBrokenSeq: seq });
  if (walk.firstBrokenSeq !== undefined) return broken(walk.firstBrokenSeq);
  if (walk.entries < publishedCount(application)) return broken(walk.entries + 1);
  if (walk.entries > application.eventSeq) return broken(application.eventSeq + 1);

  // Events not yet published continue the chain from the last entry, as committed and signed.
  let hash = walk.entries === 0 ? GENESIS_HASH : walk.lastHash;
  const pending = [...application.outbox].filter((event) => event.seq > walk.entries).sort((a, b) => a.seq - b.seq);
  for (const [index, event] of pending.entries()) {
    const link = event.chain;
    const holds =
      event.seq === walk.entries + index + 1 &&
      link !== undefined &&
      link.prevHash === hash &&
      eventHash(event, link.prevHash) === link.hash &&
      deps.signer.verify(application.id, event.seq, link.hash, link);
    if (!holds) return broken(event.seq);
    hash = link!.hash;
  }

  // Committed events not on the timeline yet: normally a publish in flight (seconds). An entry
  // removed while its event is still in the outbox looks the same until the outbox drops it.
  const unpublished = pending.length === 0 ? {} : { unpublished: pending.length };
  const head = application.chainHead;
  if (head === undefined) return { valid: true, anchored: false, entries: walk.entries, ...unpublished };
  const anchored = head.seq === application.eventSeq && head.hash === hash && deps.signer.verify(application.id, head.seq, head.hash, head);
  return anchored ? { valid: true, anchored: true, entries: walk.entries, ...unpublished } : broken(Math.max(1, Math.min(head.seq, application.eventSeq)));
}

/** Events that must already be on the timeline: all up to the oldest one still in the outbox. */
function publishedCount(application: ApplicationDocument): number {
  const oldestPending = application.outbox.reduce((min, event) => Math.min(min, event.seq), Number.POSITIVE_INFINITY);
  return Number.isFinite(oldestPending) ? oldestPending - 1 : application.eventSeq;
}
