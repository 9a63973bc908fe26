import type { Access } from '../../auth/domain/permissions.ts';
import type { StageResponse } from '../api/application-views.schema.ts';
import type { CreateStageRequest } from '../api/create-stage-request.schema.ts';

export type ScheduledInterviewRequest = Extract<CreateStageRequest, { type: 'live_interview' }> & {
  readonly data: { readonly slotId: string };
};

/**
 * A live interview created already booked in a slot (`data.slotId` on stage creation). The
 * scheduling capability implements it: slot held, calendar event created, then the stage added
 * and scheduled in one conditional replace; when the calendar fails no stage is created
 * (the seed's "rollback stage creation"). The composition root passes the implementation.
 */
export interface InterviewBooking {
  createScheduledInterview(access: Access, applicationId: string, request: ScheduledInterviewRequest): Promise<StageResponse>;
}
