import type { Clock } from '../../platform/clock.ts';
import type { Access } from '../../auth/domain/permissions.ts';
import { visibleApplication } from '../../stages/domain/application-access.ts';
import type { ApplicationRepository } from '../../stages/ports/application-repository.port.ts';
import type { SlaPeriod, WaitingSide } from '../domain/stage-sla.ts';
import type { StageSlaStore } from '../ports/stage-sla-store.port.ts';

export interface StageSlaView {
  readonly stageId: string;
  readonly stageType: string;
  readonly stageStatus: string;
  /** Time the stage waited on each side, in ms, the open wait included up to `asOf`. */
  readonly waitedMs: { readonly candidate: number; readonly recruiter: number };
  readonly waitingOn: { readonly side: WaitingSide; readonly since: string; readonly ms: number } | null;
  readonly periods: readonly SlaPeriod[];
}

export interface ApplicationSlaView {
  readonly applicationId: string;
  readonly asOf: string;
  readonly stages: readonly StageSlaView[];
}

/** Staff only (`events.readStageSla`): how long each stage of the application waited on the candidate and on recruiters. */
export async function readStageSla(
  deps: { readonly applications: ApplicationRepository; readonly stageSla: StageSlaStore; readonly clock: Clock },
  access: Access,
  applicationId: string,
): Promise<ApplicationSlaView> {
  const { document: application } = await visibleApplication(deps.applications, access, applicationId);
  const asOf = new Date(deps.clock.now());
  const order = new Map(application.stages.map((stage) => [stage.id, stage.order]));
  const records = await deps.stageSla.forApplication(access.tenantId, applicationId);
  const stages = records
    .sort((a, b) => (order.get(a.stageId) ?? Infinity) - (order.get(b.stageId) ?? Infinity))
    .map((record): StageSlaView => {
      const openMs = record.waitingOn ? Math.max(0, asOf.getTime() - Date.parse(record.waitingOn.since)) : 0;
      return {
        stageId: record.stageId,
        stageType: record.stageType,
        stageStatus: record.stageStatus,
        waitedMs: {
          candidate: record.waitedMs.candidate + (record.waitingOn?.side === 'candidate' ? openMs : 0),
          recruiter: record.waitedMs.recruiter + (record.waitingOn?.side === 'recruiter' ? openMs : 0),
        },
        waitingOn: record.waitingOn ? { ...record.waitingOn, ms: openMs } : null,
        periods: record.periods,
      };
    });
  return { applicationId, asOf: asOf.toISOString(), stages };
}
