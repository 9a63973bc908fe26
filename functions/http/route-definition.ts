import type { z } from 'zod';
import type { ErrorCode } from '../../shared/platform/errors.ts';
import { applicationPathSchema } from '../../shared/stages/api/application-requests.schema.ts';
import type { Operation } from '../../shared/auth/domain/permissions.ts';

/** One success answer of a route: status, what it means, and its body's schema. */
export interface RouteResponse {
  readonly status: number;
  readonly description: string;
  readonly schema?: z.ZodType;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * One HTTP route as data: the function registration, the request validation and the OpenAPI
 * document all come from it, so they cannot drift apart.
 * - `access.operation`: the operation of the one permission table (`shared/auth/domain/permissions.ts`)
 *   whose roles may call it; `public` routes need no token.
 * - `errors`: the route's own error codes; the common ones (auth, validation, idempotency,
 *   internal) follow from its shape.
 */
export interface RouteDefinition<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Route template under `/api`, as the Functions host reads it. */
  readonly route: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly access: { readonly operation: Operation } | 'public';
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** An empty body stands for `{}` (action payloads). */
  readonly emptyBody?: 'empty-object';
  /** Whether dynamic-stage mutations behind this route are gated by `FEATURE_DYNAMIC_STAGES`. */
  readonly gated?: boolean;
  readonly responses: readonly RouteResponse[];
  readonly errors: readonly ErrorCode[];
}

export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(definition: RouteDefinition<P, Q, B>): RouteDefinition<P, Q, B> {
  return definition;
}

/**
 * A GET about one application, `applications/{applicationId}…`: the path is validated by
 * `applicationPathSchema`, and an application the caller may not see (none, another tenant's,
 * another candidate's) answers `APPLICATION.NOT_FOUND`.
 */
export function defineApplicationRead<Q extends z.ZodType>(
  definition: Omit<RouteDefinition<typeof applicationPathSchema, Q>, 'method' | 'route' | 'params' | 'body' | 'emptyBody' | 'gated' | 'errors'> & {
    readonly route: `applications/{applicationId}${string}`;
  },
): RouteDefinition<typeof applicationPathSchema, Q> {
  return defineRoute({ ...definition, method: 'GET', params: applicationPathSchema, errors: ['APPLICATION.NOT_FOUND'] });
}

/** The error codes a route can answer with: its own plus those its shape implies. */
export function errorCodesOf(definition: RouteDefinition): ErrorCode[] {
  const codes = new Set<ErrorCode>();
  if (definition.access !== 'public') {
    codes.add('AUTH.UNAUTHENTICATED');
    codes.add('AUTH.FORBIDDEN');
  }
  if (definition.params || definition.query || definition.body) codes.add('REQUEST.INVALID');
  if (definition.body) codes.add('REQUEST.MALFORMED_JSON');
  if (definition.method === 'POST' && definition.access !== 'public') {
    codes.add('IDEMPOTENCY.KEY_REUSED');
    codes.add('IDEMPOTENCY.IN_PROGRESS');
  }
  if (definition.gated) {
    codes.add('FEATURE.DISABLED');
    codes.add('FEATURE.UNAVAILABLE');
  }
  for (const code of definition.errors) codes.add(code);
  codes.add('DEPENDENCY.UNAVAILABLE');
  codes.add('INTERNAL');
  return [...codes];
}
