import { services } from './app-services.ts';
import { registerRoute } from './http/register-route.ts';
import { routes } from './http/routes.ts';

registerRoute(routes.createStage, async ({ principal, params, body }) => {
  const created = await services().stages.service.createStage(principal, params.applicationId, body);
  const location = `/api/applications/${encodeURIComponent(params.applicationId)}/stages/${encodeURIComponent(created.stage.id)}`;
  return { status: 201, body: created, headers: { location } };
});

registerRoute(routes.getStage, async ({ principal, params }) => ({
  status: 200,
  body: await services().stages.service.getStage(principal, params.applicationId, params.stageId),
}));

registerRoute(routes.applyAction, async ({ principal, params, body }) => ({
  status: 200,
  body: await services().stages.service.applyAction(principal, params.applicationId, params.stageId, params.action, body),
}));

registerRoute(routes.submitFeedback, async ({ principal, params, body }) => ({
  status: 201,
  body: await services().stages.service.submitFeedback(principal, params.applicationId, params.stageId, body),
}));
