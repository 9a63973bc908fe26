import { readTimeline } from '../shared/timeline/use-cases/read-timeline.ts';
import { verifyTimeline } from '../shared/timeline/use-cases/verify-timeline.ts';
import { services } from './app-services.ts';
import { registerRoute } from './http/register-route.ts';
import { timelineRoutes } from './http/routes/timeline.routes.ts';

function readDeps() {
  const { events, timeline } = services();
  return { applications: events.applications, timeline: timeline.store, signer: timeline.signer };
}

registerRoute(timelineRoutes.getTimeline, async ({ access, params, query }) => ({
  status: 200,
  body: await readTimeline(readDeps(), access, params.applicationId, query),
}));

registerRoute(timelineRoutes.verifyTimeline, async ({ access, params }) => ({
  status: 200,
  body: await verifyTimeline(readDeps(), access, params.applicationId),
}));
