import { describe, expect, it } from 'vitest';
import { InvocationContext } from '@azure/functions';
import { problemResponse, statusOf } from '../../functions/http/problem.ts';
import { DomainError, errorCatalogue, type ErrorCode } from '../../shared/platform/errors.ts';

function context(logged: unknown[][]) {
  return new InvocationContext({ invocationId: 'inv-123', functionName: 'test', logHandler: (_level, ...args) => logged.push(args) });
}

describe('problem responses', () => {
  it('maps every catalogued code to a status by its kind', () => {
    const expected: Record<string, number> = { invalid: 400, unauthenticated: 401, forbidden: 403, not_found: 404, conflict: 409, unprocessable: 422, too_large: 413, unsupported_media_type: 415, unavailable: 503, bad_gateway: 502, internal: 500 };
    for (const [code, entry] of Object.entries(errorCatalogue)) {
      expect(statusOf(code as ErrorCode)).toBe(expected[entry.kind]);
    }
  });

  it('answers a domain error with its code, message, details and retry advice', () => {
    const error = new DomainError('FEATURE.UNAVAILABLE', { details: { flag: 'FEATURE_DYNAMIC_STAGES' }, retry: { after: 5 } });
    const response = problemResponse(error, context([]));
    expect(response.status).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '5' });
    expect(response.jsonBody).toEqual({ code: 'FEATURE.UNAVAILABLE', message: errorCatalogue['FEATURE.UNAVAILABLE'].message, details: { flag: 'FEATURE_DYNAMIC_STAGES' }, retry: { after: 5 } });
  });

  it('answers DEPENDENCY.UNAVAILABLE (Cosmos DB throttled or down) with 503 and a whole-second Retry-After, never 500', () => {
    const error = new DomainError('DEPENDENCY.UNAVAILABLE', { retry: { after: 3 }, cause: Object.assign(new Error('Request rate is large'), { code: 429 }) });
    const logged: unknown[][] = [];
    const response = problemResponse(error, context(logged));
    expect(response.status).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '3' });
    expect(response.jsonBody).toEqual({ code: 'DEPENDENCY.UNAVAILABLE', message: errorCatalogue['DEPENDENCY.UNAVAILABLE'].message, retry: { after: 3 } });
    expect(JSON.stringify(response.jsonBody)).not.toContain('Request rate');
    expect(logged).toEqual([]);
  });

  it('asks for a bearer token on 401', () => {
    const response = problemResponse(new DomainError('AUTH.UNAUTHENTICATED'), context([]));
    expect(response.status).toBe(401);
    expect(response.headers).toMatchObject({ 'www-authenticate': 'Bearer' });
  });

  it('turns an unknown error into a 500 that names the correlation id and leaks nothing', () => {
    const logged: unknown[][] = [];
    const response = problemResponse(new Error('connection string AccountKey=secret leaked'), context(logged));
    expect(response.status).toBe(500);
    expect(response.jsonBody).toEqual({ code: 'INTERNAL', message: errorCatalogue.INTERNAL.message, correlationId: 'inv-123' });
    expect(JSON.stringify(response.jsonBody)).not.toContain('secret');
    expect(logged.flat().some((entry) => entry instanceof Error)).toBe(true);
  });
});
