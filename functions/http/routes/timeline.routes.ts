import { chainVerificationSchema, timelinePageQuerySchema, timelinePageSchema } from '../../../shared/timeline/api/timeline-api.schema.ts';
import { defineApplicationRead, type RouteDefinition } from '../route-definition.ts';

export const timelineRoutes = {
  getTimeline: defineApplicationRead({
    name: 'getTimeline',
    route: 'applications/{applicationId}/timeline',
    summary: 'The application\'s immutable timeline, oldest first',
    description: 'Staff get every entry as stored, with its hash chain. The candidate gets only events about stages visible to them, never feedback, without hashes or staff identities.',
    tags: ['timeline'],
    access: { operation: 'timeline.read' },
    query: timelinePageQuerySchema,
    responses: [{ status: 200, description: 'One page.', schema: timelinePageSchema }],
  }),
  verifyTimeline: defineApplicationRead({
    name: 'verifyTimeline',
    route: 'applications/{applicationId}/timeline/verify',
    summary: 'Recompute the application\'s hash chain',
    description: 'Staff only (recruiter, interviewer, admin). `firstBrokenSeq` names the first entry that was changed, is missing or should not exist.',
    tags: ['timeline'],
    access: { operation: 'timeline.verify' },
    responses: [{ status: 200, description: 'The verdict (200 also when the chain is broken).', schema: chainVerificationSchema }],
  }),
} satisfies Record<string, RouteDefinition>;
