import { checkHealth } from '../shared/platform/health.ts';
import { services } from './app-services.ts';
import { registerRoute } from './http/register-route.ts';
import { platformRoutes } from './http/routes/platform.routes.ts';

registerRoute(platformRoutes.health, async () => {
  const report = await checkHealth(services().healthChecks);
  return { status: report.status === 'up' ? 200 : 503, body: report };
});
