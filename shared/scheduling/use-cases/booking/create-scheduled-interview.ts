import type { Access } from '../../../auth/domain/permissions.ts';
import type { StageResponse } from '../../../stages/api/application-views.schema.ts';
import type { ScheduledInterviewRequest } from '../../../stages/ports/interview-booking.port.ts';
import { bookInterview } from './book-interview.ts';
import { createStageHref } from '../scheduling-paths.ts';
import type { SchedulingDeps } from '../scheduling-deps.ts';

/**
 * A recruiter adds a live interview already booked in `data.slotId` (through
 * `POST /api/applications/{applicationId}/stages`): the event is created first and the stage is
 * added and scheduled in one replace. When the calendar fails, no stage exists afterwards (the
 * seed's "rollback stage creation") and the answer says how to retry.
 */
export async function createScheduledInterview(deps: SchedulingDeps, access: Access, applicationId: string, request: ScheduledInterviewRequest): Promise<StageResponse> {
  const { slotId, ...data } = request.data;
  const booked = await bookInterview(deps, {
    access,
    applicationId,
    slotId,
    newStage: { ...request, data },
    retry: { method: 'POST', href: createStageHref(applicationId), body: request },
  });
  return booked.stage;
}
