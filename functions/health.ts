import { app } from '@azure/functions';
import { checkHealth } from '../shared/platform/health.ts';
import { services } from './app-services.ts';
import { endpoint } from './http/endpoint.ts';

app.http('health', {
  route: 'health',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: endpoint(async () => {
    const report = await checkHealth(services().healthChecks);
    return { status: report.status === 'up' ? 200 : 503, jsonBody: report, headers: { 'cache-control': 'no-store' } };
  }),
});
