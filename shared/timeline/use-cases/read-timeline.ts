import type { Access } from '../../auth/domain/permissions.ts';
import type { ApplicationRepository } from '../../stages/ports/application-repository.port.ts';
import { DomainError } from '../../platform/errors.ts';
import { timelineAudience } from './timeline-audience.ts';
import type { TimelineEntry } from '../domain/timeline-entry.ts';
import type { TimelineStore } from '../ports/timeline-store.port.ts';
import { candidateTimelineEntry, type CandidateTimelineEntry } from '../domain/timeline-view.ts';

export const TIMELINE_PAGE_DEFAULT = 50;
export const TIMELINE_PAGE_MAX = 200;

export interface TimelineReadDeps {
  readonly applications: ApplicationRepository;
  readonly timeline: TimelineStore;
}

export interface TimelinePageRequest {
  readonly limit?: number;
  /** The token a previous page handed out; absent for the first page. */
  readonly continuationToken?: string;
}

export interface TimelinePageResult {
  readonly items: readonly (TimelineEntry | CandidateTimelineEntry)[];
  /** Present when more entries follow: pass it back to read the next page. */
  readonly continuationToken?: string;
}

/**
 * One page of an application's timeline, oldest first. Staff get entries as stored (with their
 * hashes, so the chain can be checked outside Stageline); the candidate gets only events about
 * stages visible to them (never feedback), without hashes or staff identities.
 */
export async function readTimeline(deps: TimelineReadDeps, access: Access, applicationId: string, request: TimelinePageRequest): Promise<TimelinePageResult> {
  const limit = request.limit ?? TIMELINE_PAGE_DEFAULT;
  const afterSeq = request.continuationToken === undefined ? 0 : decodeToken(request.continuationToken);
  const audience = await timelineAudience(deps.applications, access, applicationId);
  const page = await deps.timeline.page(applicationId, {
    afterSeq,
    limit,
    ...(audience.kind === 'candidate' ? { candidateStageIds: audience.visibleStageIds } : {}),
  });
  const last = page.items.at(-1);
  return {
    items: audience.kind === 'candidate' ? page.items.map(candidateTimelineEntry) : page.items,
    ...(page.hasMore && last ? { continuationToken: encodeToken(last.seq) } : {}),
  };
}

function encodeToken(seq: number): string {
  return Buffer.from(JSON.stringify({ after: seq })).toString('base64url');
}

function decodeToken(token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'number' && Number.isInteger(parsed.after) && parsed.after >= 0) return parsed.after;
  } catch {
    // fall through
  }
  throw new DomainError('REQUEST.INVALID', { message: 'The continuationToken is not one this API handed out.', details: { field: 'continuationToken' } });
}
