import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpResponse, type InvocationContext } from '@azure/functions';
import { formatSetCookie } from '../../local/host/http-set-cookie.ts';
import { httpFunction, startServer, type RunningServer } from './http-support/http-fixtures.ts';

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** Serves one function answering with `result` and fetches it. */
async function respond(result: unknown | (() => unknown), init?: RequestInit): Promise<Response> {
  running = await startServer({ functions: [httpFunction('answer', typeof result === 'function' ? (result as () => unknown) : () => result)] });
  return fetch(`${running.baseUrl}/api/answer`, init);
}

describe('HTTP server: writing the function result', () => {
  it('sends status, headers and a string body (text/plain by default)', async () => {
    const res = await respond({ status: 201, headers: { 'x-stage': 'screen', location: '/api/items/1' }, body: 'created' });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-stage')).toBe('screen');
    expect(res.headers.get('location')).toBe('/api/items/1');
    expect(res.headers.get('content-type')).toBe('text/plain;charset=UTF-8');
    expect(res.headers.get('content-length')).toBe('7');
    expect(await res.text()).toBe('created');
  });

  it('serialises jsonBody with application/json unless a content type was given', async () => {
    const plain = await respond({ jsonBody: { id: 7, tags: ['a'] } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('application/json');
    expect(await plain.json()).toEqual({ id: 7, tags: ['a'] });
    await running?.close();

    const custom = await respond({ status: 422, headers: { 'Content-Type': 'application/problem+json' }, jsonBody: { code: 'STAGE.INVALID' } });
    expect(custom.status).toBe(422);
    expect(custom.headers.get('content-type')).toBe('application/problem+json');
    expect(await custom.json()).toEqual({ code: 'STAGE.INVALID' });
  });

  it('sends Buffer bodies byte for byte and streams stream bodies', async () => {
    const bytes = Buffer.from([1, 2, 3, 250]);
    const buffered = await respond({ headers: { 'content-type': 'application/octet-stream' }, body: bytes });
    expect(Buffer.from(await buffered.arrayBuffer()).equals(bytes)).toBe(true);
    await running?.close();

    const streamed = await respond(() => ({ body: Readable.from([Buffer.from('part-1;'), Buffer.from('part-2')]) }));
    expect(streamed.headers.get('transfer-encoding')).toBe('chunked');
    expect(await streamed.text()).toBe('part-1;part-2');
  });

  it('accepts an HttpResponse instance', async () => {
    const res = await respond(() => new HttpResponse({ status: 202, jsonBody: { queued: true }, headers: { 'x-kind': 'instance' } }));
    expect(res.status).toBe(202);
    expect(res.headers.get('x-kind')).toBe('instance');
    expect(await res.json()).toEqual({ queued: true });
  });

  it('turns every cookie attribute into a Set-Cookie header', async () => {
    const expires = new Date('2030-01-02T03:04:05Z');
    const res = await respond({
      body: 'with cookies',
      cookies: [
        { name: 'session', value: 'a b;c', domain: 'example.test', path: '/api', expires, secure: true, httpOnly: true, sameSite: 'Strict', maxAge: 3600 },
        { name: 'theme', value: 'dark', sameSite: 'None' },
        { name: 'legacy', value: 'x', expires: expires.getTime() },
      ],
    });
    expect(res.headers.getSetCookie()).toEqual([
      'session=a%20b%3Bc; expires=Wed, 02 Jan 2030 03:04:05 GMT; max-age=3600; domain=example.test; path=/api; secure; samesite=strict; httponly',
      'theme=dark; path=/; samesite=none',
      'legacy=x; expires=Wed, 02 Jan 2030 03:04:05 GMT; path=/',
    ]);
    expect(await res.text()).toBe('with cookies');
  });

  it('answers 204 with an empty body when the handler returns nothing', async () => {
    const res = await respond(() => undefined);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });

  it('answers 500 with an empty body when the handler throws, logging the error with the invocation id', async () => {
    let invocationId = '';
    const res = await respond((_request: unknown, context: InvocationContext) => {
      invocationId = context.invocationId;
      throw new Error('calendar unreachable: secret-host:443');
    });
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('');
    const failure = running!.logs.find((line) => line.includes('Failed'));
    expect(failure).toContain(`Id=${invocationId}`);
    expect(failure).toContain('calendar unreachable');
  });

  it('answers 500 when the handler returns something that is not a response object', async () => {
    const res = await respond(() => 'just a string');
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('');
    expect(running!.logs.join('\n')).toMatch(/The HTTP response must be an object/);
  });

  it('forwards context.log lines to the host log with the function name and invocation id', async () => {
    let invocationId = '';
    await respond((_request: unknown, context: InvocationContext) => {
      invocationId = context.invocationId;
      context.warn('slot', 3, 'taken');
      return { body: 'ok' };
    });
    expect(running!.logs).toContain(`[answer] warn: slot 3 taken (Id=${invocationId})`);
  });
});

describe('Set-Cookie formatting', () => {
  it('drops fractional max-age and escapes the value like Uri.EscapeDataString', () => {
    expect(formatSetCookie({ name: 'n', value: "it's (ok)*!", maxAge: 1.9 })).toBe('n=it%27s%20%28ok%29%2A%21; max-age=1; path=/');
  });
});
