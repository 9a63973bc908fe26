import type { LegacyShape, LegacyTransform, StageFilter } from '../domain/read-model.ts';

/**
 * The legacy transformation as the stage reads need it: the read-only stages of an application
 * that predates dynamic stages, and, for board filters, which legacy shapes would show a stage
 * matching the filter. Implemented by the `legacy` capability.
 */
export interface LegacyStages {
  readonly stagesOf: LegacyTransform;
  shapesMatching(filter: StageFilter): readonly LegacyShape[];
}
