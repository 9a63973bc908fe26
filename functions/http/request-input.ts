import type { HttpRequest } from '@azure/functions';
import type { z } from 'zod';
import { authorize, type Access } from '../../shared/auth/domain/permissions.ts';
import type { Principal } from '../../shared/auth/domain/principal.ts';
import { DomainError } from '../../shared/platform/errors.ts';
import { parseOrThrow } from '../../shared/platform/validation.ts';
import { services } from '../app-services.ts';
import type { RouteDefinition } from './route-definition.ts';

export interface Caller {
  readonly principal: Principal;
  readonly access: Access;
}

/** The verified caller and its right to call the route: 401 without a valid token, 403 for a role the route's operation does not admit. */
export async function authenticate(request: HttpRequest, definition: RouteDefinition): Promise<Caller | undefined> {
  if (definition.access === 'public') return undefined;
  const principal = await services().auth.verify(request.headers.get('authorization'));
  return { principal, access: authorize(principal, definition.access.operation) };
}

export function parseParams<S extends z.ZodType>(schema: S | undefined, request: HttpRequest): z.output<S> | undefined {
  return schema === undefined ? undefined : parseOrThrow(schema, { ...request.params });
}

export function parseQuery<S extends z.ZodType>(schema: S | undefined, request: HttpRequest): z.output<S> | undefined {
  if (schema === undefined) return undefined;
  const query: Record<string, string> = {};
  for (const [name, value] of request.query) query[name] ??= value;
  return parseOrThrow(schema, query);
}

/** The body as JSON: `REQUEST.MALFORMED_JSON` when it does not parse; an empty body is `{}` where the route allows it. */
export function parseJsonBody(raw: string, emptyBody: RouteDefinition['emptyBody']): unknown {
  if (raw.trim() === '') {
    if (emptyBody === 'empty-object') return {};
    throw new DomainError('REQUEST.INVALID', {
      message: 'This route needs a JSON body.',
      details: { issues: [{ path: '', message: 'Expected a JSON body', code: 'invalid_type' }] },
    });
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    throw new DomainError('REQUEST.MALFORMED_JSON', { details: { reason: error instanceof Error ? error.message : String(error) } });
  }
}
