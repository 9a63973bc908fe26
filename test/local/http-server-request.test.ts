import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpRequest, InvocationContext } from '@azure/functions';
import { RouteTemplateError } from '../../local/host/http-route.ts';
import { createFunctionsHttpServer } from '../../local/host/http-server.ts';
import { functionRegistry } from '../../local/host/function-registry.ts';
import { installFunctionsCoreHook } from '../../local/host/register-core-hook.ts';
import { httpFunction, startServer, type RunningServer, type Seen } from './http-support/http-fixtures.ts';

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** A handler that records the request it received and answers 200 "ok". */
function recorder(seen: Seen) {
  return async (input: unknown, context: InvocationContext) => {
    const request = input as HttpRequest;
    seen.request = {
      method: request.method,
      url: request.url,
      params: { ...request.params },
      query: request.query,
      headers: request.headers,
      body: Buffer.from(await request.arrayBuffer()),
    };
    seen.context = context;
    return { body: 'ok' };
  };
}

/** Raw request, for what fetch cannot send (chunked bodies without length, odd methods). */
function rawRequest(
  url: string,
  options: { method: string; headers?: Record<string, string>; chunks?: Buffer[]; keepOpen?: boolean },
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    for (const chunk of options.chunks ?? []) req.write(chunk);
    // keepOpen: the body is never finished, as a client still uploading (the answer must not wait for it).
    if (!options.keepOpen) req.end();
  });
}

describe('HTTP server: routing', () => {
  it('serves a function registered through app.http, with its route params', async () => {
    installFunctionsCoreHook();
    const { app } = await import('@azure/functions');
    const seen: Seen = {};
    app.http('httpRequestStageProbe', { route: 'applications/{applicationId}/stages/{stageId:int}', methods: ['GET'], handler: recorder(seen) });
    const registered = functionRegistry().functions.find((fn) => fn.name === 'httpRequestStageProbe')!;
    running = await startServer({ functions: [registered] });

    const res = await fetch(`${running.baseUrl}/api/applications/app%201/stages/3`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    expect(seen.request?.params).toEqual({ applicationId: 'app 1', stageId: '3' });
    expect(seen.context?.functionName).toBe('httpRequestStageProbe');
    expect(seen.context?.triggerMetadata).toBeUndefined();
    expect(seen.context?.invocationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('uses the function name when there is no route, and GET+POST when there are no methods', async () => {
    const seen: Seen = {};
    running = await startServer({ functions: [httpFunction('ping', recorder(seen), { methods: null })] });
    expect((await fetch(`${running.baseUrl}/api/ping`)).status).toBe(200);
    expect((await fetch(`${running.baseUrl}/api/ping`, { method: 'POST' })).status).toBe(200);
    expect(seen.request?.method).toBe('POST');
    expect((await fetch(`${running.baseUrl}/api/ping`, { method: 'DELETE' })).status).toBe(404);
  });

  it('answers 404 with an empty body for an unknown route and for a path outside the prefix', async () => {
    running = await startServer({ functions: [httpFunction('ping', () => ({ body: 'pong' }))] });
    for (const path of ['/api/nothing-here', '/ping', '/api']) {
      const res = await fetch(`${running.baseUrl}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text()).toBe('');
    }
  });

  it('answers 404 (not 405) when the route exists but not for that method, and logs why', async () => {
    const calls: string[] = [];
    running = await startServer({
      functions: [
        httpFunction('getItems', () => void calls.push('get'), { route: 'items', methods: ['GET'] }),
        httpFunction('addItem', () => void calls.push('post'), { route: 'items', methods: ['POST'] }),
      ],
    });
    expect((await fetch(`${running.baseUrl}/api/items`)).status).toBe(204);
    expect((await fetch(`${running.baseUrl}/api/items`, { method: 'POST' })).status).toBe(204);
    const put = await fetch(`${running.baseUrl}/api/items`, { method: 'PUT', body: 'x' });
    expect(put.status).toBe(404);
    expect(calls).toEqual(['get', 'post']);
    expect(running.logs.join('\n')).toMatch(/PUT \/api\/items: the route accepts only GET, POST → 404/);
  });

  it('honours a custom and an empty route prefix', async () => {
    running = await startServer({ functions: [httpFunction('ping', () => ({ body: 'pong' }))], routePrefix: '/v1/' });
    expect(await (await fetch(`${running.baseUrl}/v1/ping`)).text()).toBe('pong');
    expect((await fetch(`${running.baseUrl}/api/ping`)).status).toBe(404);
    await running.close();
    running = await startServer({ functions: [httpFunction('ping', () => ({ body: 'pong' }))], routePrefix: '' });
    expect(await (await fetch(`${running.baseUrl}/ping`)).text()).toBe('pong');
  });

  it('answers 400 for an invalid Host header and does not read a // path as another host', async () => {
    running = await startServer({ functions: [httpFunction('ping', () => ({ body: 'pong' }))] });
    expect((await rawRequest(`${running.baseUrl}/api/ping`, { method: 'GET', headers: { host: 'bad host/x' } })).status).toBe(400);
    expect((await rawRequest(`${running.baseUrl}//api/ping`, { method: 'GET' })).status).toBe(404);
    expect((await rawRequest(`${running.baseUrl}/api/ping`, { method: 'GET', headers: { host: 'stageline.local:7071' } })).body).toBe('pong');
  });

  it('refuses to build a server when a route template is malformed', () => {
    expect(() => createFunctionsHttpServer({ functions: [httpFunction('bad', () => undefined, { route: 'x/{id' })] })).toThrow(RouteTemplateError);
  });

  it('serves HEAD only to functions that accept it, without a body', async () => {
    running = await startServer({
      functions: [
        httpFunction('withHead', () => ({ body: 'hello' }), { route: 'a', methods: ['GET', 'HEAD'] }),
        httpFunction('getOnly', () => ({ body: 'hello' }), { route: 'b', methods: ['GET'] }),
      ],
    });
    const head = await rawRequest(`${running.baseUrl}/api/a`, { method: 'HEAD' });
    expect(head).toMatchObject({ status: 200, body: '' });
    expect(head.headers['content-length']).toBe('5');
    expect((await rawRequest(`${running.baseUrl}/api/b`, { method: 'HEAD' })).status).toBe(404);
  });

  it('answers CORS preflights when CORS is configured, and routes OPTIONS otherwise', async () => {
    const functions = [httpFunction('ping', () => ({ body: 'pong' }))];
    running = await startServer({ functions, cors: { allowedOrigins: ['https://app.example'] } });
    const preflight = await fetch(`${running.baseUrl}/api/ping`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');
    const simple = await fetch(`${running.baseUrl}/api/ping`, { headers: { origin: 'https://app.example' } });
    expect(simple.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const stranger = await fetch(`${running.baseUrl}/api/ping`, { headers: { origin: 'https://evil.example' } });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
    await running.close();

    running = await startServer({ functions });
    const options = await fetch(`${running.baseUrl}/api/ping`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
    expect(options.status).toBe(404);
  });
});

describe('HTTP server: what the handler receives', () => {
  it('passes query (repeated keys joined by commas), headers, url and a text body', async () => {
    const seen: Seen = {};
    running = await startServer({ functions: [httpFunction('echo', recorder(seen))] });
    const res = await fetch(`${running.baseUrl}/api/echo?name=Ada%20L&tag=a&tag=b&empty=`, {
      method: 'POST',
      headers: { 'x-trace': 'abc', 'content-type': 'text/plain' },
      body: 'héllo',
    });
    expect(res.status).toBe(200);
    expect(seen.request?.method).toBe('POST');
    expect(seen.request?.url).toBe(`${running.baseUrl}/api/echo?name=Ada%20L&tag=a&tag=b&empty=`);
    expect(seen.request?.query.get('name')).toBe('Ada L');
    expect(seen.request?.query.get('tag')).toBe('a,b');
    expect(seen.request?.query.get('empty')).toBe('');
    expect(seen.request?.headers.get('x-trace')).toBe('abc');
    expect(seen.request?.body.toString('utf8')).toBe('héllo');
  });

  it('lets the handler parse a JSON body and read a binary body byte for byte', async () => {
    let parsed: unknown;
    let bytes: Buffer | undefined;
    running = await startServer({
      functions: [
        httpFunction('json', async (input) => void (parsed = await (input as HttpRequest).json())),
        httpFunction('binary', async (input) => void (bytes = Buffer.from(await (input as HttpRequest).arrayBuffer()))),
      ],
    });
    await fetch(`${running.baseUrl}/api/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stage: 'screen', n: 2 }) });
    expect(parsed).toEqual({ stage: 'screen', n: 2 });
    const payload = Buffer.from([0, 255, 1, 254, 0x80, 10, 13]);
    await fetch(`${running.baseUrl}/api/binary`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: payload });
    expect(bytes?.equals(payload)).toBe(true);
  });
});

describe('HTTP server: limits and the extra handler', () => {
  it('answers 413 for a declared body over the limit without invoking the function, and fails the read of a chunked one', async () => {
    let calls = 0;
    const reads: string[] = [];
    running = await startServer({
      functions: [
        httpFunction('upload', async (request) => {
          calls += 1;
          try {
            reads.push(`read ${(await (request as HttpRequest).arrayBuffer()).byteLength}`);
          } catch (error) {
            reads.push(`failed ${(error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code ?? String(error)}`);
            throw error;
          }
        }),
      ],
      maxBodyBytes: 1024,
    });
    const declared = await fetch(`${running.baseUrl}/api/upload`, { method: 'POST', body: Buffer.alloc(2048, 1) });
    expect(declared.status).toBe(413);
    expect(calls).toBe(0);
    const chunked = await rawRequest(`${running.baseUrl}/api/upload`, { method: 'POST', chunks: [Buffer.alloc(700, 1), Buffer.alloc(700, 2)] });
    expect(chunked.status).toBe(413);
    expect(reads).toEqual([expect.stringMatching(/^failed /)]);
    const fits = await fetch(`${running.baseUrl}/api/upload`, { method: 'POST', body: Buffer.alloc(1024, 1) });
    expect(fits.status).toBe(204);
    expect(reads.at(-1)).toBe('read 1024');
  });

  it('hands the body as a stream: a function that answers from the headers leaves it unread, and the connection is closed', async () => {
    let calls = 0;
    running = await startServer({ functions: [httpFunction('refuse', () => ((calls += 1), { status: 401 }))] });
    const big = Buffer.alloc(8 * 1024 * 1024, 7);
    const started = performance.now();
    const answer = await rawRequest(`${running.baseUrl}/api/refuse`, { method: 'POST', chunks: [big.subarray(0, 1024)], keepOpen: true });
    expect(answer.status).toBe(401);
    expect(answer.headers['connection']).toBe('close');
    expect(calls).toBe(1);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('answers 414 for a URL over the limit', async () => {
    let calls = 0;
    running = await startServer({ functions: [httpFunction('ping', () => void (calls += 1))] });
    const long = await fetch(`${running.baseUrl}/api/ping?q=${'x'.repeat(5000)}`);
    expect(long.status).toBe(414);
    const ok = await fetch(`${running.baseUrl}/api/ping?q=${'x'.repeat(1000)}`);
    expect(ok.status).toBe(204);
    expect(calls).toBe(1);
  });

  it('lets the extra handler serve its own paths first and fall through when it declines', async () => {
    const offered: string[] = [];
    running = await startServer({
      functions: [httpFunction('metrics', () => ({ body: 'function' }))],
      extraHandler: async (req, res) => {
        offered.push(req.url ?? '');
        if (req.url !== '/metrics' && req.url !== '/api/metrics') return false;
        res.writeHead(200, { 'content-type': 'text/plain' }).end('host metrics');
        return true;
      },
    });
    expect(await (await fetch(`${running.baseUrl}/metrics`)).text()).toBe('host metrics');
    expect(await (await fetch(`${running.baseUrl}/api/metrics`)).text()).toBe('host metrics');
    expect(await (await fetch(`${running.baseUrl}/api/metrics?x=1`)).text()).toBe('function');
    expect(offered).toEqual(['/metrics', '/api/metrics', '/api/metrics?x=1']);
  });
});
