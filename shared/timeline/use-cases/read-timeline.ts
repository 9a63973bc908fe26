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
  const position = request.continuationToken === undefined ? { after: 0, shown: 0 } : decodeToken(request.continuationToken);
  const audience = await timelineAudience(deps.applications, access, applicationId);
  const page = await deps.timeline.page(access.tenantId, applicationId, {
    afterSeq: position.after,
    limit,
    ...(audience.kind === 'candidate' ? { candidateStageIds: audience.visibleStageIds } : {}),
  });
  const last = page.items.at(-1);
  // A candidate's entries are numbered 1, 2, 3 … among what they may see, so gaps cannot tell them hidden events exist.
  const items = audience.kind === 'candidate' ? page.items.map((entry, index) => candidateTimelineEntry(entry, position.shown + index + 1)) : page.items;
  return {
    items,
    ...(page.hasMore && last ? { continuationToken: encodeToken({ after: last.seq, shown: position.shown + page.items.length }) } : {}),
  };
}

interface PagePosition {
  /** The stored seq the next page starts after. */
  readonly after: number;
  /** Entries already shown to this reader (a candidate's numbering continues from it). */
  readonly shown: number;
}

function encodeToken(position: PagePosition): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function decodeToken(token: string): PagePosition {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown; shown?: unknown };
    const whole = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
    if (whole(parsed.after) && whole(parsed.shown)) return { after: parsed.after, shown: parsed.shown };
  } catch {
    // fall through
  }
  throw new DomainError('REQUEST.INVALID', { message: 'The continuationToken is not one this API handed out.', details: { field: 'continuationToken' } });
}
