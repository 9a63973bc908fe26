/**
 * The local host's HTTP front end: serves the app's HTTP-triggered functions the way the Azure
 * Functions host does. Build here, listen in the caller:
 *
 *   const server = createFunctionsHttpServer({ functions: functionsByTrigger('httpTrigger'), log });
 *   server.listen(7071, '127.0.0.1');
 *
 * Request pipeline, in order:
 *  1. URL longer than `maxUrlBytes` (4 KB) → 414.
 *  2. `extraHandler(req, res)` → true means the host served the request itself (e.g. `/metrics`).
 *  3. CORS preflight, when `cors` is configured (see `http-cors.ts`).
 *  4. Route lookup under `/<routePrefix>/` (see `http-route-table.ts` for precedence):
 *     no template matches → 404; a template matches but no function there accepts the method →
 *     404 as well, like the real host (its method check is a route constraint, so no 405).
 *     HEAD and OPTIONS are ordinary methods here: served only by functions that list them.
 *  5. A declared body (`content-length`) over `maxBodyBytes` (100 MB) → 413 without invoking.
 *  6. The handler gets `HttpRequest` (headers, query, route params as strings, the body as a
 *     stream it reads when it wants: HTTP streaming, which the app enables) and an
 *     `InvocationContext` (fresh invocation id, `triggerMetadata` undefined). A chunked body that
 *     grows past the limit fails the function's read, and the answer is 413.
 *  7. Its result is written by `http-response-writer.ts`: nothing → 204; a throw or an invalid
 *     result → 500 with an empty body, the error logged with the invocation id. A body the
 *     function did not read is not read by the host either: the connection is closed after the
 *     answer instead (an unauthenticated 90 MB upload costs the host nothing).
 * Error responses (404/413/414/500) have empty bodies, as the host's do.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { RegisteredFunction } from './function-registry.ts';
import { applyCors, type HttpCorsOptions } from './http-cors.ts';
import { consoleHostLog, createInvocationContext, describeError, type HostLog } from './http-invocation.ts';
import { inInvocationSpan } from './invocation-span.ts';
import { contextFromTraceProperties } from '../../shared/platform/trace-context.ts';
import { discardRequestBody, toFunctionsHttpRequest } from './http-request-reader.ts';
import { writeEmpty, writeFunctionResult } from './http-response-writer.ts';
import { createHttpRouteTable, type HttpRoute, type HttpRouteTable } from './http-route-table.ts';
import type { RouteParams } from './http-route.ts';

export type { HostLog } from './http-invocation.ts';

export const DEFAULT_MAX_BODY_BYTES = 100 * 1024 * 1024;
export const DEFAULT_MAX_URL_BYTES = 4096;

export type ExtraHttpHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface FunctionsHttpServerOptions {
  /** Registered functions; those without an `httpTrigger` are ignored. */
  readonly functions: readonly RegisteredFunction[];
  /** `extensions.http.routePrefix` of host.json; `''` serves functions at the root. */
  readonly routePrefix?: string;
  readonly maxBodyBytes?: number;
  readonly maxUrlBytes?: number;
  readonly extraHandler?: ExtraHttpHandler;
  readonly cors?: HttpCorsOptions;
  readonly log?: HostLog;
}

export type FunctionsHttpServer = Server & { readonly routeTable: HttpRouteTable };

/** Throws `RouteTemplateError` at once when a function's route template is malformed. */
export function createFunctionsHttpServer(options: FunctionsHttpServerOptions): FunctionsHttpServer {
  const log = options.log ?? consoleHostLog;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxUrlBytes = options.maxUrlBytes ?? DEFAULT_MAX_URL_BYTES;
  const routeTable = createHttpRouteTable(options.functions, options.routePrefix ?? 'api');

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawUrl = req.url ?? '/';
    if (Buffer.byteLength(rawUrl) > maxUrlBytes) return respondEarly(req, res, 414);
    if (options.extraHandler && (await options.extraHandler(req, res))) return;
    if (applyCors(req, res, options.cors)) return;

    const url = requestUrl(rawUrl, req.headers.host);
    if (!url) return respondEarly(req, res, 400);
    const method = req.method ?? 'GET';
    const lookup = routeTable.lookup(method, url.pathname);
    if (lookup.kind === 'methodNotAccepted') {
      log(`[http] ${method} ${url.pathname}: the route accepts only ${lookup.acceptedMethods.join(', ')} → 404`);
    }
    if (lookup.kind !== 'matched') return respondEarly(req, res, 404);

    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBodyBytes) {
      log(`[http] ${method} ${url.pathname}: request body over ${maxBodyBytes} bytes → 413`);
      return respondEarly(req, res, 413);
    }
    await invoke(lookup.route, lookup.params, req, res, url, maxBodyBytes, log);
  };

  const server = createServer({ maxHeaderSize: Math.max(16 * 1024, maxUrlBytes + 8 * 1024) }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`[http] failed to serve ${req.method} ${req.url}: ${describeError(error)}`);
      if (res.headersSent) res.destroy();
      else writeEmpty(res, 500);
    });
  });
  return Object.assign(server, { routeTable });
}

/** The absolute URL of the request; `undefined` (→ 400) for an invalid Host header or target. */
function requestUrl(target: string, host: string | undefined): URL | undefined {
  if (host !== undefined && !/^[A-Za-z0-9.\-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$/.test(host)) return undefined;
  try {
    return target.startsWith('/') ? new URL(`http://${host ?? 'localhost'}${target}`) : new URL(target);
  } catch {
    return undefined;
  }
}

async function respondEarly(req: IncomingMessage, res: ServerResponse, status: number): Promise<void> {
  const consumed = await discardRequestBody(req);
  writeEmpty(res, status, consumed ? {} : { connection: 'close' });
}

async function invoke(
  route: HttpRoute,
  params: RouteParams,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  maxBodyBytes: number,
  log: HostLog,
): Promise<void> {
  const { fn } = route;
  const invocationId = randomUUID();
  const started = performance.now();
  const executed = (outcome: 'Succeeded' | 'Failed', error?: unknown): void => {
    const duration = Math.round(performance.now() - started);
    const detail = error === undefined ? '' : `: ${describeError(error)}`;
    log(`[http] Executed 'Functions.${fn.name}' (${outcome}, Id=${invocationId}, Duration=${duration}ms)${detail}`);
  };

  let request;
  let body;
  try {
    ({ request, body } = toFunctionsHttpRequest({ req, url, params, maxBodyBytes }));
  } catch (error) {
    log(`[http] ${req.method} ${url.pathname}: request rejected before invoking '${fn.name}' → 400: ${describeError(error)}`);
    return writeEmpty(res, 400);
  }
  log(`[http] Executing 'Functions.${fn.name}' (${req.method} ${url.pathname}, Id=${invocationId})`);

  let result: unknown;
  try {
    // A caller's `traceparent` header continues its trace, as the Functions host does.
    const parent = contextFromTraceProperties({ traceparent: req.headers.traceparent, tracestate: req.headers.tracestate });
    result = await inInvocationSpan(fn.name, 'server', parent, async () => fn.handler(request, createInvocationContext({ fn, log, invocationId })));
  } catch (error) {
    executed('Failed', error);
    closeIfUnread(req, res);
    return writeEmpty(res, body.tooLarge() ? 413 : 500);
  }
  if (body.tooLarge()) {
    executed('Failed', new Error(`request body over ${maxBodyBytes} bytes`));
    closeIfUnread(req, res);
    return writeEmpty(res, 413);
  }
  closeIfUnread(req, res);
  try {
    await writeFunctionResult(res, result);
    executed('Succeeded');
  } catch (error) {
    executed('Failed', error);
    if (res.headersSent) return void res.destroy();
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    writeEmpty(res, 500);
  }
}

/**
 * When the function answered without reading the whole body, the host does not read the rest:
 * the answer says `connection: close` and the socket goes once it is sent.
 */
function closeIfUnread(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete || res.headersSent) return;
  res.setHeader('connection', 'close');
  const socket = req.socket;
  res.once('finish', () => socket?.destroySoon());
}
