/**
 * Turns an incoming `node:http` request into the `HttpRequest` of `@azure/functions`, the way the
 * host hands it to a Node worker with HTTP streaming on (`app.setup({ enableHttpStream: true })`,
 * which the app sets): headers, query (repeated keys joined with `,` like ASP.NET's
 * `StringValues`) and route params up front, the body as a stream the function reads when it
 * wants to. A function can so refuse a request from its headers before any byte of the body
 * is read. Past `maxBodyBytes` the stream fails, as the host's front end refuses bodies over
 * its limit.
 */
import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { HttpRequest } from '@azure/functions';
import type { RouteParams } from './http-route.ts';

/**
 * Discards what is left of a request body (so the client can read an early error response),
 * up to `limitBytes`; resolves `true` when the body was fully consumed.
 */
export function discardRequestBody(req: IncomingMessage, limitBytes = 4 * 1024 * 1024): Promise<boolean> {
  if (req.complete) return Promise.resolve(true);
  return new Promise((resolve) => {
    let seen = 0;
    const finish = (consumed: boolean): void => {
      req.removeAllListeners('data');
      resolve(consumed);
    };
    req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limitBytes) {
        req.pause();
        finish(false);
      }
    });
    req.once('end', () => finish(true));
    req.once('error', () => finish(false));
    req.resume();
  });
}

function headerMap(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function queryMap(search: URLSearchParams): Record<string, string> {
  const query: Record<string, string> = {};
  for (const key of new Set(search.keys())) query[key] = search.getAll(key).join(',');
  return query;
}

export interface IncomingRequestParts {
  readonly req: IncomingMessage;
  readonly url: URL;
  readonly params: RouteParams;
  /** The body stream fails past this many bytes (declared lengths over it never reach a function). */
  readonly maxBodyBytes: number;
}

/** What the host learns about the body while the function reads it. */
export interface StreamedBody {
  /** The function read past the limit (its read failed): the answer is 413. */
  tooLarge(): boolean;
}

export function toFunctionsHttpRequest({ req, url, params, maxBodyBytes }: IncomingRequestParts): { request: HttpRequest; body: StreamedBody } {
  const method = req.method ?? 'GET';
  let tooLarge = false;
  let body: ReadableStream<Uint8Array> | undefined;
  if (!/^(GET|HEAD)$/i.test(method)) {
    let seen = 0;
    const limit = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxBodyBytes) {
          tooLarge = true;
          controller.error(Object.assign(new Error(`The request body is over ${maxBodyBytes} bytes.`), { code: 'ERR_BODY_TOO_LARGE' }));
          return;
        }
        controller.enqueue(chunk);
      },
    });
    body = (Readable.toWeb(req) as ReadableStream<Uint8Array>).pipeThrough(limit);
  }
  const nativeRequest = new Request(url.href, { method, headers: headerMap(req), ...(body === undefined ? {} : { body, duplex: 'half' }) } as RequestInit);
  const request = new HttpRequest({ method, url: url.href, nativeRequest, query: queryMap(url.searchParams), params } as ConstructorParameters<typeof HttpRequest>[0]);
  return { request, body: { tooLarge: () => tooLarge } };
}
