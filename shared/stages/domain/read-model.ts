import type { FlagState } from '../../flags/ports/feature-gate.port.ts';
import type { ApplicationDocument } from './application.schema.ts';
import type { LegacyStatus } from './legacy-status.ts';
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

/**
 * The read-only stages the legacy transformation derives from an application. The `legacy`
 * capability provides it (stages never import it; the composition root passes it in).
 */
export type LegacyTransform = (application: ApplicationDocument) => Stage[];

/** The application's stages in `model`, in order. Legacy stages are derived, never stored. */
export function stagesIn(application: ApplicationDocument, model: ReadModel, legacy: LegacyTransform): Stage[] {
  const stages = model === 'stages' ? [...application.stages] : legacy(application);
  return stages.sort((a, b) => a.order - b.order);
}

/** The application as read in `model`: its `stages` replaced by the model's. */
export function applicationIn(application: ApplicationDocument, model: ReadModel, legacy: LegacyTransform): ApplicationDocument {
  return model === 'stages' ? application : { ...application, stages: stagesIn(application, 'legacy', legacy) };
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

export function matchesFilter(stage: Pick<Stage, 'type' | 'status'>, filter: StageFilter): boolean {
  return (filter.stageType === undefined || stage.type === filter.stageType) && (filter.stageStatus === undefined || stage.status === filter.stageStatus);
}

/**
 * Applies a stage change to the stored stages. An imported application without stored stages
 * is read through the legacy transformation, so its (read-only) legacy stages are what a caller
 * sees and names: the change runs against them, and the lifecycle refuses it (`read_only`).
 * Legacy stages are never written back.
 */
export function onStoredStages<R>(application: ApplicationDocument, legacy: LegacyTransform, change: (target: ApplicationDocument) => R): R {
  if (application.stages.length > 0 || application.legacyStatus === undefined) return change(application);
  change(applicationIn(application, 'legacy', legacy));
  throw new Error('A change to a read-only legacy stage was not refused.');
}
