/**
 * Reads an incoming `node:http` request into the `HttpRequest` of `@azure/functions`, the way the
 * host hands it to the Node worker (non-streaming mode): the whole body as bytes, headers and
 * query as string maps (repeated query keys joined with `,` like ASP.NET's `StringValues`).
 */
import type { IncomingMessage } from 'node:http';
import { HttpRequest } from '@azure/functions';
import type { RouteParams } from './http-route.ts';

export type BodyReadResult = { readonly kind: 'ok'; readonly bytes: Buffer } | { readonly kind: 'tooLarge' } | { readonly kind: 'aborted' };

/** Collects the body; stops collecting (without consuming the rest) once it exceeds `maxBytes`. */
export function readRequestBody(req: IncomingMessage, maxBytes: number): Promise<BodyReadResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve({ kind: 'tooLarge' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyReadResult): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) settle({ kind: 'tooLarge' });
      else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => settle({ kind: 'ok', bytes: Buffer.concat(chunks, size) }));
    req.once('error', () => settle({ kind: 'aborted' }));
    req.once('close', () => settle(req.complete ? { kind: 'ok', bytes: Buffer.concat(chunks, size) } : { kind: 'aborted' }));
  });
}

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
  readonly body: Buffer;
}

export function toFunctionsHttpRequest({ req, url, params, body }: IncomingRequestParts): HttpRequest {
  return new HttpRequest({
    method: req.method ?? 'GET',
    url: url.href,
    headers: headerMap(req),
    query: queryMap(url.searchParams),
    params,
    body: { bytes: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) },
  });
}
