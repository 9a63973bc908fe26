import type { Access } from '../../../auth/domain/permissions.ts';
import type { ScheduleBody, ScheduleResponse } from '../../api/schedule.schema.ts';
import { bookInterview } from './book-interview.ts';
import { scheduleHref } from '../scheduling-paths.ts';
import type { SchedulingDeps } from '../scheduling-deps.ts';

/**
 * `POST /api/applications/{applicationId}/stages/{stageId}/schedule { slotId }`: the stage's
 * candidate picks a slot (or a recruiter picks one for them). See `bookInterview`.
 */
export async function scheduleInterview(deps: SchedulingDeps, access: Access, applicationId: string, stageId: string, body: ScheduleBody): Promise<ScheduleResponse> {
  const booked = await bookInterview(deps, {
    access,
    applicationId,
    stageId,
    slotId: body.slotId,
    retry: { method: 'POST', href: scheduleHref(applicationId, stageId), body },
  });
  return { ...booked.stage, call: booked.call };
}
