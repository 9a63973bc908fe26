import { buildOpenApiDocument } from './http/openapi-document.ts';
import { registerRoute } from './http/register-route.ts';
import { routes } from './http/routes.ts';

let document: unknown;

registerRoute(routes.openapi, async () => {
  document ??= buildOpenApiDocument();
  return { status: 200, body: document, headers: { 'cache-control': 'public, max-age=300' } };
});
