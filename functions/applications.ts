import { services } from './app-services.ts';
import { registerRoute } from './http/register-route.ts';
import { routes } from './http/routes.ts';

registerRoute(routes.createApplication, async ({ principal, body }) => {
  const application = await services().stages.service.createApplication(principal, body);
  return { status: 201, body: application, headers: { location: `/api/applications/${encodeURIComponent(application.id)}` } };
});

registerRoute(routes.listApplications, async ({ principal, query }) => ({
  status: 200,
  body: await services().stages.service.listApplications(principal, query),
}));

registerRoute(routes.batch, async ({ principal, body }) => ({
  status: 200,
  body: await services().stages.batch.run(principal, body),
}));

registerRoute(routes.getApplication, async ({ principal, params }) => ({
  status: 200,
  body: await services().stages.service.getApplication(principal, params.applicationId),
}));
