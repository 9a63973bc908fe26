import type { ApplicationDocument } from '../../stages/domain/application.schema.ts';
import { legacyStatuses, type LegacyStatus } from '../../stages/domain/legacy-status.ts';
import { matchesFilter, type LegacyShape, type StageFilter } from '../../stages/domain/read-model.ts';
import type { Stage } from '../../stages/domain/stage.model.ts';
import type { LegacyStages } from '../../stages/ports/legacy-stages.port.ts';
import { transformLegacyApplication } from './legacy-transform.ts';

/** The stages an application shows when read through the legacy transformation. */
function stagesOf(application: ApplicationDocument): Stage[] {
  return transformLegacyApplication(application);
}

/**
 * Every legacy shape whose transformation contains a stage matching the filter. The board uses
 * it to filter legacy-read applications in the query itself, so a filtered page shows exactly
 * the applications whose displayed stages match.
 */
function shapesMatching(filter: StageFilter): LegacyShape[] {
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

/** The legacy capability's side of the stages' `LegacyStages` port. */
export const legacyStages: LegacyStages = { stagesOf, shapesMatching };
