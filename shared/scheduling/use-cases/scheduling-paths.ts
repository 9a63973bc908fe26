/** The routes the scheduling capability names in its answers (retry actions, reconnect advice). */
export const CONNECT_ROUTE = 'POST /api/calendar/connect';

export function scheduleHref(applicationId: string, stageId: string): string {
  return `/api/applications/${encodeURIComponent(applicationId)}/stages/${encodeURIComponent(stageId)}/schedule`;
}

export function rescheduleHref(applicationId: string, stageId: string): string {
  return `/api/applications/${encodeURIComponent(applicationId)}/stages/${encodeURIComponent(stageId)}/reschedule`;
}

export function createStageHref(applicationId: string): string {
  return `/api/applications/${encodeURIComponent(applicationId)}/stages`;
}
