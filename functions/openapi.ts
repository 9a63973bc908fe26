import { buildOpenApiDocument } from './http/openapi-document.ts';
import { registerRoute } from './http/register-route.ts';
import { platformRoutes } from './http/routes/platform.routes.ts';

let document: unknown;

registerRoute(platformRoutes.openapi, async () => {
  document ??= buildOpenApiDocument();
  return { status: 200, body: document, headers: { 'cache-control': 'public, max-age=300' } };
});
