import { chainVerificationSchema, timelinePageQuerySchema, timelinePageSchema } from '../shared/timeline/api/timeline-api.schema.ts';
import { readTimeline } from '../shared/timeline/use-cases/read-timeline.ts';
import { verifyTimeline } from '../shared/timeline/use-cases/verify-timeline.ts';
import { services } from './app-services.ts';
import { registerRoute } from './http/register-route.ts';
import { defineApplicationRead, staffOnly } from './http/route-definition.ts';

export const timelineRoutes = {
  getTimeline: defineApplicationRead({
    name: 'getTimeline',
    route: 'applications/{applicationId}/timeline',
    summary: 'The application\'s immutable timeline, oldest first',
    description: 'Staff get every entry as stored, with its hash chain. The candidate gets only events about stages visible to them, never feedback, without hashes or staff identities.',
    tags: ['timeline'],
    access: { operation: 'readApplication' },
    query: timelinePageQuerySchema,
    responses: [{ status: 200, description: 'One page.', schema: timelinePageSchema }],
  }),
  verifyTimeline: defineApplicationRead({
    name: 'verifyTimeline',
    route: 'applications/{applicationId}/timeline/verify',
    summary: 'Recompute the application\'s hash chain',
    description: 'Staff only (recruiter, interviewer, admin). `firstBrokenSeq` names the first entry that was changed, is missing or should not exist.',
    tags: ['timeline'],
    access: staffOnly,
    responses: [{ status: 200, description: 'The verdict (200 also when the chain is broken).', schema: chainVerificationSchema }],
  }),
};

function readDeps() {
  const { events } = services();
  return { applications: events.applications, timeline: events.timeline };
}

registerRoute(timelineRoutes.getTimeline, async ({ principal, params, query }) => ({
  status: 200,
  body: await readTimeline(readDeps(), principal, params.applicationId, query),
}));

registerRoute(timelineRoutes.verifyTimeline, async ({ principal, params }) => ({
  status: 200,
  body: await verifyTimeline(readDeps(), principal, params.applicationId),
}));
