import type { StageAction } from '../domain/stage-action.schema.ts';

/**
 * Where a client takes each action that a capability owns (the lifecycle tables' `owner`): the
 * generic action route answers `STAGE.ACTION_NOT_DIRECT` with this in `details.use`.
 */
const routes: Partial<Record<StageAction, string>> = {
  schedule: 'POST /api/applications/{applicationId}/stages/{stageId}/schedule',
  approve_reschedule: 'POST /api/applications/{applicationId}/stages/{stageId}/reschedule',
  move_call: 'none: calendar status sync applies it when an event moves in Google Calendar',
  submit: 'POST /api/uploads (purpose assignment_submission); the upload is attached once verified',
  add_onboarding_document: 'POST /api/uploads (purpose onboarding_document); the upload is attached once verified',
};

export function routeForOwnedAction(action: StageAction): string {
  const route = routes[action];
  if (route === undefined) throw new Error(`No route is recorded for the owned action '${action}'.`);
  return route;
}
