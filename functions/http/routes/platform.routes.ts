import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../route-definition.ts';

export const platformRoutes = {
  health: defineRoute({
    name: 'health',
    method: 'GET',
    route: 'health',
    summary: 'Health of the app and its dependencies',
    tags: ['platform'],
    access: 'public',
    responses: [
      {
        status: 200,
        description: 'Every dependency is up.',
        schema: z.object({ status: z.enum(['up', 'down']), dependencies: z.array(z.object({ name: z.string(), status: z.string() })) }),
      },
      { status: 503, description: 'A dependency is down (same body).' },
    ],
    errors: [],
  }),
  openapi: defineRoute({
    name: 'openapi',
    method: 'GET',
    route: 'openapi.json',
    summary: 'This OpenAPI 3.1 document',
    tags: ['platform'],
    access: 'public',
    responses: [{ status: 200, description: 'The OpenAPI document.' }],
    errors: [],
  }),
} satisfies Record<string, RouteDefinition>;
