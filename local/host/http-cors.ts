/**
 * CORS as `func start` applies it from `local.settings.json` → `Host.CORS` (comma-separated
 * origins or `*`) and `Host.CORSCredentials`. Only active when configured; without it an OPTIONS
 * request is routed like any other method (404 unless a function accepts OPTIONS).
 * - Preflight (`OPTIONS` + `Origin` + `Access-Control-Request-Method`) on any path → 204; the
 *   allow headers are present only for an allowed origin, and echo the requested method/headers.
 * - Other requests from an allowed origin get `Access-Control-Allow-Origin` (and `Vary: Origin`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface HttpCorsOptions {
  /** Allowed origins; `*` allows any. */
  readonly allowedOrigins: readonly string[];
  readonly supportCredentials?: boolean;
}

/** Parses the `Host.CORS` setting. */
export function parseCorsSetting(value: string | undefined, supportCredentials = false): HttpCorsOptions | undefined {
  const origins = (value ?? '').split(',').map((origin) => origin.trim()).filter(Boolean);
  return origins.length > 0 ? { allowedOrigins: origins, supportCredentials } : undefined;
}

const normalise = (origin: string): string => origin.replace(/\/+$/, '').toLowerCase();

function allowOrigin(res: ServerResponse, origin: string, cors: HttpCorsOptions): void {
  const any = cors.allowedOrigins.includes('*');
  res.setHeader('access-control-allow-origin', any && !cors.supportCredentials ? '*' : origin);
  if (!any || cors.supportCredentials) res.setHeader('vary', 'Origin');
  if (cors.supportCredentials) res.setHeader('access-control-allow-credentials', 'true');
}

/** Returns true when the request was a preflight and has been answered. */
export function applyCors(req: IncomingMessage, res: ServerResponse, cors: HttpCorsOptions | undefined): boolean {
  const origin = req.headers.origin;
  if (!cors || !origin) return false;
  const allowed = cors.allowedOrigins.some((candidate) => candidate === '*' || normalise(candidate) === normalise(origin));
  const requestedMethod = req.headers['access-control-request-method'];
  if (req.method === 'OPTIONS' && requestedMethod) {
    if (allowed) {
      allowOrigin(res, origin, cors);
      res.setHeader('access-control-allow-methods', requestedMethod);
      const requestedHeaders = req.headers['access-control-request-headers'];
      if (requestedHeaders) res.setHeader('access-control-allow-headers', requestedHeaders);
    }
    res.writeHead(204);
    res.end();
    return true;
  }
  if (allowed) allowOrigin(res, origin, cors);
  return false;
}
