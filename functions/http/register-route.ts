import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import type { z } from 'zod';
import type { Access } from '../../shared/auth/domain/permissions.ts';
import type { Principal } from '../../shared/auth/domain/principal.ts';
import { parseOrThrow } from '../../shared/platform/validation.ts';
import { endpoint } from './endpoint.ts';
import { withIdempotency, type RouteResult } from './idempotency.ts';
import { authenticate, parseJsonBody, parseParams, parseQuery, readJsonBodyText } from './request-input.ts';
import { DEFAULT_MAX_BODY_BYTES, type RouteDefinition } from './route-definition.ts';
import { routeTable } from './routes/route-table.ts';

export type { RouteResult } from './idempotency.ts';

/** What a route handler gets: everything already authenticated, authorised and validated. */
export interface RouteInput<P, Q, B, A> {
  /** The caller's access for the route's operation (`authorize`); `undefined` on public routes. */
  readonly access: A;
  readonly principal: A extends Access ? Principal : undefined;
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly request: HttpRequest;
}

type AccessOf<D extends RouteDefinition> = D['access'] extends 'public' ? undefined : Access;

export type RouteHandler<D extends RouteDefinition> =
  D extends RouteDefinition<infer P, infer Q, infer B>
    ? (input: RouteInput<z.output<P>, z.output<Q>, z.output<B>, AccessOf<D>>) => Promise<RouteResult>
    : never;

/**
 * Registers a route of the route table. Every request goes, in order: token (401) → the route's
 * operation in the permission table (403) → path and query (400) → the body, read only now and
 * at most the route's cap (413; a non-JSON content type 415) → body validation (400; nothing read
 * or written so far) → `Idempotency-Key` (POST) → the handler (one use case) → JSON answer. Errors leave
 * as `{ code, message, details?, retry? }`.
 */
export function registerRoute<D extends RouteDefinition>(definition: D, handler: RouteHandler<D>): void {
  if (!routeTable.includes(definition)) {
    throw new Error(`Route '${definition.name}' is not in the route table (functions/http/routes/route-table.ts).`);
  }
  const run = handler as (input: RouteInput<unknown, unknown, unknown, Access | undefined>) => Promise<RouteResult>;
  app.http(definition.name, {
    route: definition.route,
    methods: [definition.method],
    authLevel: 'anonymous',
    handler: endpoint(async (request) => {
      const caller = await authenticate(request, definition);
      const params = parseParams(definition.params, request);
      const query = parseQuery(definition.query, request);
      const rawBody = definition.method === 'POST' || definition.method === 'PATCH' ? await readJsonBodyText(request, definition.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES) : '';
      const body = definition.body === undefined ? undefined : parseOrThrow(definition.body, parseJsonBody(rawBody, definition.emptyBody));
      const result = await withIdempotency(request, caller, rawBody, () =>
        run({ access: caller?.access, principal: caller?.principal as never, params, query, body, request }),
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
