import type { Access } from '../../../auth/domain/permissions.ts';
import { DomainError } from '../../../platform/errors.ts';
import { findStage } from '../../../stages/domain/application.ts';
import { isOpen } from '../../domain/slot.ts';
import { formatInZone } from '../../domain/wall-time.ts';
import type { StageSlotsResponse } from '../../api/slots.schema.ts';
import type { SchedulingDeps } from '../scheduling-deps.ts';

const HORIZON_MS = 365 * 86_400_000;

/**
 * `GET /api/applications/{applicationId}/stages/{stageId}/slots?timeZone=`: the open future
 * slots of the interview's recruiter (only the offered ones when the stage names `slotOptions`;
 * only those long enough for the interview), each rendered in the requested zone (ISO with
 * offset) and in UTC. The stage's candidate or staff.
 */
export async function listStageSlots(deps: SchedulingDeps, access: Access, applicationId: string, stageId: string, timeZone: string | undefined): Promise<StageSlotsResponse> {
  const application = await deps.stages.visibleApplication(access, applicationId);
  const stage = findStage(application, stageId, access.actor);
  if (stage.type !== 'live_interview') throw new DomainError('STAGE.NOT_FOUND', { message: 'Only a live interview has slots.', details: { stageId, stageType: stage.type } });
  const base = { applicationId, stageId, durationMinutes: stage.data.durationMinutes };
  if (stage.data.recruiterId === undefined || stage.status !== 'awaiting_candidate') return { ...base, slots: [] };
  const now = deps.clock.now();
  const offered = stage.data.slotOptions === undefined ? undefined : new Set(stage.data.slotOptions);
  const stored = await deps.slots.overlapping(access.tenantId, stage.data.recruiterId, now, new Date(Date.parse(now) + HORIZON_MS).toISOString());
  const slots = stored
    .map((entry) => entry.document)
    .filter((slot) => isOpen(slot, now) && (offered === undefined || offered.has(slot.id)))
    .filter((slot) => Date.parse(slot.end) - Date.parse(slot.start) >= stage.data.durationMinutes * 60_000)
    .map((slot) => {
      const zone = timeZone ?? slot.timeZone;
      const end = new Date(Date.parse(slot.start) + stage.data.durationMinutes * 60_000).toISOString();
      return { id: slot.id, start: formatInZone(slot.start, zone), end: formatInZone(end, zone), startUtc: slot.start, endUtc: end, timeZone: zone, publishedTimeZone: slot.timeZone };
    });
  return { ...base, slots };
}
