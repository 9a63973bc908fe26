import { applicationSlaViewSchema } from '../../../shared/events/api/stage-sla-api.schema.ts';
import { defineApplicationRead, type RouteDefinition } from '../route-definition.ts';

export const eventRoutes = {
  getStageSla: defineApplicationRead({
    name: 'getStageSla',
    route: 'applications/{applicationId}/stage-sla',
    summary: 'How long each stage waited on the candidate and on recruiters',
    description: 'Staff only. Recorded by the stage-SLA watcher, a post-transition callback: it lags the stage API by the time the event takes through the outbox and the topic.',
    tags: ['timeline'],
    access: { operation: 'events.readStageSla' },
    responses: [{ status: 200, description: 'One record per stage that has had an event.', schema: applicationSlaViewSchema }],
  }),
} satisfies Record<string, RouteDefinition>;
