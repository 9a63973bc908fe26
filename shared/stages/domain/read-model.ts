import type { LegacyStatus } from './legacy-status.ts';
import { legacyStatuses } from './legacy-status.ts';
import { transformLegacyApplication } from '../../legacy/domain/legacy-transform.ts';
import type { FlagState } from '../../flags/ports/feature-gate.port.ts';
import type { ApplicationDocument } from './application.schema.ts';
import type { Stage } from './stage.model.ts';

/** Which model a read answers with: stored dynamic stages, or the legacy transformation. */
export type ReadModel = 'stages' | 'legacy';

/**
 * The model the application's stages are read with:
 * - flag on and stored stages → `stages`;
 * - flag on, no stored stages, but a `legacyStatus` (an imported application) → `legacy`;
 * - flag on, no stored stages and no legacy status (a new application) → `stages` (none yet);
 * - flag off or unavailable → `legacy`, whatever is stored.
 */
export function readModelOf(application: Pick<ApplicationDocument, 'stages' | 'legacyStatus'>, flag: FlagState): ReadModel {
  if (flag.status !== 'on') return 'legacy';
  if (application.stages.length > 0) return 'stages';
  return application.legacyStatus === undefined ? 'stages' : 'legacy';
}

/** The application's stages in `model`, in order. Legacy stages are derived, never stored. */
export function stagesIn(application: ApplicationDocument, model: ReadModel): Stage[] {
  const stages = model === 'stages' ? [...application.stages] : transformLegacyApplication(application);
  return stages.sort((a, b) => a.order - b.order);
}

/** The application as read in `model`: its `stages` replaced by the model's. */
export function applicationIn(application: ApplicationDocument, model: ReadModel): ApplicationDocument {
  return model === 'stages' ? application : { ...application, stages: stagesIn(application, 'legacy') };
}

/** One shape of legacy application: a legacy status (absent = none recorded) and whether it references a call. */
export interface LegacyShape {
  readonly legacyStatus: LegacyStatus | undefined;
  readonly hasScheduledCall: boolean;
}

export interface StageFilter {
  readonly stageType?: string;
  readonly stageStatus?: string;
}

/**
 * Every legacy shape whose transformation contains a stage matching the filter. The board uses
 * it to filter legacy-read applications in the query itself, so a filtered page shows exactly
 * the applications whose displayed stages match.
 */
export function legacyShapesMatching(filter: StageFilter): LegacyShape[] {
  const statuses: (LegacyStatus | undefined)[] = [undefined, ...legacyStatuses];
  const shapes: LegacyShape[] = [];
  for (const legacyStatus of statuses) {
    for (const hasScheduledCall of [false, true]) {
      const stages = transformLegacyApplication({
        id: 'probe',
        ...(legacyStatus === undefined ? {} : { legacyStatus }),
        ...(hasScheduledCall ? { legacyScheduledCallId: 'probe-call' } : {}),
        recruiterIds: [],
        createdAt: '1970-01-01T00:00:00.000Z',
        updatedAt: '1970-01-01T00:00:00.000Z',
      });
      if (stages.some((stage) => matchesFilter(stage, filter))) shapes.push({ legacyStatus, hasScheduledCall });
    }
  }
  return shapes;
}

export function matchesFilter(stage: Pick<Stage, 'type' | 'status'>, filter: StageFilter): boolean {
  return (filter.stageType === undefined || stage.type === filter.stageType) && (filter.stageStatus === undefined || stage.status === filter.stageStatus);
}
