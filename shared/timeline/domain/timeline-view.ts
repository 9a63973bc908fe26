import type { TimelineEntry } from './timeline-entry.ts';

/** An entry as its candidate sees it: the event's public facts, no chain hashes, no staff ids. */
export interface CandidateTimelineEntry {
  readonly id: string;
  readonly seq: number;
  readonly recordedAt: string;
  readonly event: {
    readonly kind: string;
    readonly stageId: string;
    readonly stageType: string;
    readonly stageStatus: string;
    readonly previousStatus?: string;
    readonly action?: string;
    readonly actor: { readonly role: string; readonly id?: string };
    readonly timestamp: string;
    readonly actionableBy: 'candidate' | 'recruiter' | null;
  };
}

/**
 * The candidate's view of an entry, numbered `position` among the entries they may see (not the
 * stored seq: gaps would show that hidden-stage and feedback events exist).
 */
export function candidateTimelineEntry(entry: TimelineEntry, position: number): CandidateTimelineEntry {
  const event = entry.event;
  return {
    id: `${entry.applicationId}:c${position}`,
    seq: position,
    recordedAt: entry.recordedAt,
    event: {
      kind: event.kind,
      stageId: event.stageId,
      stageType: event.stageType,
      stageStatus: event.stageStatus,
      ...(event.previousStatus === undefined ? {} : { previousStatus: event.previousStatus }),
      ...(event.action === undefined ? {} : { action: event.action }),
      actor: event.actor.role === 'candidate' ? { role: event.actor.role, id: event.actor.id } : { role: event.actor.role },
      timestamp: event.timestamp,
      actionableBy: event.actionableBy,
    },
  };
}
