import { services } from './app-services.ts';
import { registerRoute } from './http/register-route.ts';
import { stageRoutes } from './http/routes/stages.routes.ts';

registerRoute(stageRoutes.createApplication, async ({ access, body }) => {
  const application = await services().stages.useCases.createApplication(access, body);
  return { status: 201, body: application, headers: { location: `/api/applications/${encodeURIComponent(application.id)}` } };
});

registerRoute(stageRoutes.listApplications, async ({ access, query }) => ({
  status: 200,
  body: await services().stages.useCases.listApplications(access, query),
}));

registerRoute(stageRoutes.batch, async ({ access, body }) => ({
  status: 200,
  body: await services().stages.useCases.runBatch(access, body),
}));

registerRoute(stageRoutes.getApplication, async ({ access, params }) => ({
  status: 200,
  body: await services().stages.useCases.getApplication(access, params.applicationId),
}));

registerRoute(stageRoutes.createStage, async ({ access, params, body }) => {
  const created = await services().stages.useCases.createStage(access, params.applicationId, body);
  const location = `/api/applications/${encodeURIComponent(params.applicationId)}/stages/${encodeURIComponent(created.stage.id)}`;
  return { status: 201, body: created, headers: { location } };
});

registerRoute(stageRoutes.getStage, async ({ access, params }) => ({
  status: 200,
  body: await services().stages.useCases.getStage(access, params.applicationId, params.stageId),
}));

registerRoute(stageRoutes.applyAction, async ({ access, params, body }) => ({
  status: 200,
  body: await services().stages.useCases.applyAction(access, params.applicationId, params.stageId, params.action, body),
}));

registerRoute(stageRoutes.submitFeedback, async ({ access, params, body }) => ({
  status: 201,
  body: await services().stages.useCases.submitFeedback(access, params.applicationId, params.stageId, body),
}));
