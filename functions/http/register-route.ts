import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import type { z } from 'zod';
import type { Principal } from '../../shared/auth/domain/principal.ts';
import { parseOrThrow } from '../../shared/platform/validation.ts';
import { endpoint } from './endpoint.ts';
import { withIdempotency, type RouteResult } from './idempotency.ts';
import { authorise, parseJsonBody, parseParams, parseQuery } from './request-input.ts';
import type { RouteDefinition } from './route-definition.ts';

export type { RouteResult } from './idempotency.ts';

/** What a route handler gets: everything already authenticated and validated. */
export interface RouteInput<P, Q, B> {
  readonly principal: Principal;
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly request: HttpRequest;
}

export type RouteHandler<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> = (
  input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>,
) => Promise<RouteResult>;

const registered: RouteDefinition[] = [];

/** Every route registered through `registerRoute` so far, in registration order (the OpenAPI document lists them). */
export function registeredRoutes(): readonly RouteDefinition[] {
  return registered;
}

/**
 * Registers a route from its definition. Every request goes, in order: token (401) → role (403)
 * → path, query, body validation (400, nothing read or written) → `Idempotency-Key` (POST) →
 * the handler (one service call) → JSON answer. Errors leave as `{ code, message, details?, retry? }`.
 */
export function registerRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  definition: RouteDefinition<P, Q, B>,
  handler: RouteHandler<P, Q, B>,
): void {
  registered.push(definition as unknown as RouteDefinition);
  app.http(definition.name, {
    route: definition.route,
    methods: [definition.method],
    authLevel: 'anonymous',
    handler: endpoint(async (request) => {
      const principal = await authorise(request, definition);
      const params = parseParams(definition.params, request);
      const query = parseQuery(definition.query, request);
      const rawBody = definition.method === 'POST' ? await request.text() : '';
      const body = definition.body === undefined ? undefined : parseOrThrow(definition.body, parseJsonBody(rawBody, definition.emptyBody));
      const result = await withIdempotency(request, principal, rawBody, () =>
        handler({ principal: principal!, params: params as z.output<P>, query: query as z.output<Q>, body: body as z.output<B>, request }),
      );
      return toResponse(result);
    }),
  });
}

function toResponse(result: RouteResult): HttpResponseInit {
  return {
    status: result.status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...result.headers },
    ...(result.body === undefined ? {} : { jsonBody: result.body }),
  };
}
