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

/**
 * The body of a JSON route, read with a cap: a declared `content-length` over `maxBytes` is 413
 * before a byte is read, a body that grows past it stops being read there (413). A non-empty
 * body must say `content-type: application/json` (or a `+json` type), else 415. Bytes that are
 * not UTF-8 are `REQUEST.MALFORMED_JSON`.
 */
export async function readJsonBodyText(request: HttpRequest, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw bodyTooLarge(maxBytes);
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (reader !== undefined) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw bodyTooLarge(maxBytes);
      }
      chunks.push(value);
    }
  }
  if (size > 0 && !isJsonMediaType(request.headers.get('content-type'))) {
    throw new DomainError('REQUEST.UNSUPPORTED_MEDIA_TYPE', { details: { contentType: request.headers.get('content-type') ?? null } });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks, size));
  } catch {
    throw new DomainError('REQUEST.MALFORMED_JSON', { details: { reason: 'The body is not UTF-8.' } });
  }
}

function bodyTooLarge(maxBytes: number): DomainError {
  return new DomainError('REQUEST.TOO_LARGE', { message: `This route reads at most ${maxBytes} bytes of body.`, details: { maxBytes } });
}

function isJsonMediaType(value: string | null): boolean {
  const type = (value ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}
