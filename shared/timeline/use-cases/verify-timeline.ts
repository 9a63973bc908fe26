import type { Access } from '../../auth/domain/permissions.ts';
import { visibleApplication } from '../../stages/domain/application-access.ts';
import type { ApplicationDocument } from '../../stages/domain/application.schema.ts';
import type { TimelineReadDeps } from './read-timeline.ts';
import { verifyChain, type ChainVerification } from '../domain/verify-timeline-chain.ts';

/**
 * Recomputes an application's whole chain (staff only: `timeline.verify`). Besides changed or missing entries in
 * the middle, it checks the ends against the aggregate: every committed event older than the
 * outbox's oldest must have its entry (a cut-off end reports the first missing seq), and no
 * entry may lie beyond the last event the aggregate handed out.
 */
export async function verifyTimeline(deps: TimelineReadDeps, access: Access, applicationId: string): Promise<ChainVerification> {
  const { document } = await visibleApplication(deps.applications, access, applicationId);
  return verifyApplicationTimeline(deps, document);
}

/** The check itself, without access control (the kill test and operators' tooling use it). */
export async function verifyApplicationTimeline(deps: Pick<TimelineReadDeps, 'timeline'>, application: ApplicationDocument): Promise<ChainVerification> {
  const result = await verifyChain(application.id, deps.timeline.all(application.id));
  if (!result.valid) return result;
  if (result.entries < publishedCount(application)) return { valid: false, entries: result.entries, firstBrokenSeq: result.entries + 1 };
  if (result.entries > application.eventSeq) return { valid: false, entries: result.entries, firstBrokenSeq: application.eventSeq + 1 };
  return result;
}

/** Events that must already be on the timeline: all up to the oldest one still in the outbox. */
function publishedCount(application: ApplicationDocument): number {
  const oldestPending = application.outbox.reduce((min, event) => Math.min(min, event.seq), Number.POSITIVE_INFINITY);
  return Number.isFinite(oldestPending) ? oldestPending - 1 : application.eventSeq;
}
