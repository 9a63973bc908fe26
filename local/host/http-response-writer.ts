/**
 * Writes what an HTTP function returned to a `node:http` response, following what the Node
 * library + host do with it:
 * - `undefined`/`null` → 204 with an empty body;
 * - a value that is not an object → an error (the library rejects it; the host answers 500);
 * - an `HttpResponse` or an `HttpResponseInit`, normalised through `new HttpResponse(init)`:
 *   `status` (200), `headers`, `jsonBody` (serialised, `content-type: application/json` only when
 *   none was given), `body` (string → `text/plain;charset=UTF-8` unless set, Buffer, Blob, form
 *   data, streams), `cookies` → one `Set-Cookie` each (see `http-set-cookie.ts`).
 * Bodies are buffered and sent with `content-length`, like the host's default (non-streaming)
 * mode, except when an `HttpResponseInit.body` is itself a stream: that is piped through chunked,
 * as with `app.setup({ enableHttpStream: true })`.
 */
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ReadableStream } from 'node:stream/web';
import { HttpResponse, type Cookie, type HttpResponseInit } from '@azure/functions';
import { formatSetCookie } from './http-set-cookie.ts';

export class InvalidHttpResultError extends TypeError {
  constructor(received: string) {
    super(`The HTTP response must be an object with optional properties "body", "status", "headers", and "cookies" (got ${received}).`);
    this.name = 'InvalidHttpResultError';
  }
}

interface ResponseLike {
  readonly status: number;
  readonly headers: Headers;
  readonly cookies: readonly Cookie[];
  readonly body: globalThis.ReadableStream<Uint8Array> | null;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Duck-typed so an `HttpResponse` from another copy of the library (e.g. another loader) counts. */
function isResponseLike(value: object): value is ResponseLike {
  const candidate = value as Partial<ResponseLike>;
  return candidate.headers instanceof Headers && typeof candidate.status === 'number' && typeof candidate.arrayBuffer === 'function' && Array.isArray(candidate.cookies);
}

function isStreamBody(body: unknown): boolean {
  if (body instanceof ReadableStream || body instanceof globalThis.ReadableStream || body instanceof Readable) return true;
  return typeof body === 'object' && body !== null && Symbol.asyncIterator in body;
}

const HOP_BY_HOP = new Set(['content-length', 'transfer-encoding', 'connection', 'set-cookie']);

function outgoingHeaders(response: ResponseLike): { headers: [string, string][]; setCookies: string[] } {
  const headers: [string, string][] = [];
  for (const [name, value] of response.headers) if (!HOP_BY_HOP.has(name)) headers.push([name, value]);
  const setCookies = [...response.headers.getSetCookie(), ...response.cookies.map(formatSetCookie)];
  return { headers, setCookies };
}

function hasNullBody(status: number): boolean {
  return status === 204 || status === 205 || status === 304 || (status >= 100 && status < 200);
}

export function writeEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { ...headers, ...(hasNullBody(status) ? {} : { 'content-length': '0' }) });
  res.end();
}

/**
 * Resolves once the response is written. Rejects when the result is invalid (nothing written yet:
 * the caller answers 500) or when a streamed body fails midway (the socket is then destroyed).
 */
export async function writeFunctionResult(res: ServerResponse, result: unknown): Promise<void> {
  if (result === undefined || result === null) {
    writeEmpty(res, 204);
    return;
  }
  if (typeof result !== 'object') throw new InvalidHttpResultError(typeof result);
  const init = result as HttpResponseInit;
  const response: ResponseLike = isResponseLike(result) ? result : new HttpResponse(init);
  const stream = !isResponseLike(result) && init.jsonBody === undefined && isStreamBody(init.body);
  const { headers, setCookies } = outgoingHeaders(response);
  const status = response.status;
  const nullBody = hasNullBody(status) || response.body === null;
  const bytes = nullBody || stream ? undefined : Buffer.from(await response.arrayBuffer());

  res.statusCode = status;
  for (const [name, value] of headers) res.setHeader(name, value);
  if (setCookies.length > 0) res.setHeader('set-cookie', setCookies);
  if (stream && !nullBody) {
    res.flushHeaders();
    await pipeline(Readable.fromWeb(response.body as ReadableStream<Uint8Array>), res);
    return;
  }
  if (!hasNullBody(status)) res.setHeader('content-length', String(bytes?.length ?? 0));
  res.end(bytes);
}
