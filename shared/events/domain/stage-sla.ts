import type { StageEventNotice } from './stage-cloud-event.ts';

export type WaitingSide = 'candidate' | 'recruiter';

/** One event seen for a stage: who had the next move after it, and since when. */
export interface SlaObservation {
  readonly seq: number;
  readonly at: string;
  readonly stageStatus: string;
  readonly actionableBy: WaitingSide | null;
}

/** A closed stretch of time during which one side had the next move. */
export interface SlaPeriod {
  readonly waitingOn: WaitingSide;
  readonly from: string;
  readonly to: string;
  readonly ms: number;
}

/**
 * How long one stage has waited on whom. Derived entirely from `observations` (kept in seq
 * order, one per event), so applying an event twice or out of order gives the same record.
 */
export interface StageSlaRecord {
  /** = stageId (unique within the application's partition). */
  readonly id: string;
  readonly applicationId: string;
  readonly tenantId: string;
  readonly stageId: string;
  readonly stageType: string;
  readonly stageStatus: string;
  readonly observations: readonly SlaObservation[];
  readonly periods: readonly SlaPeriod[];
  /** Closed waiting time per side, in ms. */
  readonly waitedMs: { readonly candidate: number; readonly recruiter: number };
  /** The open wait after the latest event; null when nobody has the next move. */
  readonly waitingOn: { readonly side: WaitingSide; readonly since: string } | null;
  readonly updatedAt: string;
}

/** A stage keeps at most this many observations (a stage sees a handful of events; this bounds a runaway). */
const MAX_OBSERVATIONS = 500;

/** The record after `event`; unchanged (same object) when the event was already observed. */
export function observeStageEvent(record: StageSlaRecord | undefined, event: StageEventNotice, now: string): StageSlaRecord {
  const known = record?.observations ?? [];
  if (known.some((observation) => observation.seq === event.seq)) return record as StageSlaRecord;
  const observation: SlaObservation = { seq: event.seq, at: event.timestamp, stageStatus: event.stageStatus, actionableBy: event.actionableBy };
  const observations = [...known, observation].sort((a, b) => a.seq - b.seq).slice(-MAX_OBSERVATIONS);
  const latest = observations[observations.length - 1]!;
  const { periods, waitingOn } = derivePeriods(observations);
  return {
    id: event.stageId,
    applicationId: event.applicationId,
    tenantId: event.tenantId,
    stageId: event.stageId,
    stageType: event.stageType,
    stageStatus: latest.stageStatus,
    observations,
    periods,
    waitedMs: {
      candidate: sum(periods, 'candidate'),
      recruiter: sum(periods, 'recruiter'),
    },
    waitingOn,
    updatedAt: now,
  };
}

/** Consecutive observations with the same side merge into one period; the last one stays open. */
export function derivePeriods(observations: readonly SlaObservation[]): Pick<StageSlaRecord, 'periods' | 'waitingOn'> {
  const periods: SlaPeriod[] = [];
  let open: { side: WaitingSide | null; since: string } | undefined;
  for (const observation of observations) {
    if (open && open.side === observation.actionableBy) continue;
    if (open?.side) {
      const ms = Math.max(0, Date.parse(observation.at) - Date.parse(open.since));
      periods.push({ waitingOn: open.side, from: open.since, to: observation.at, ms });
    }
    open = { side: observation.actionableBy, since: observation.at };
  }
  return { periods, waitingOn: open?.side ? { side: open.side, since: open.since } : null };
}

function sum(periods: readonly SlaPeriod[], side: WaitingSide): number {
  return periods.filter((period) => period.waitingOn === side).reduce((total, period) => total + period.ms, 0);
}
