import type { IncomingMessage, ServerResponse } from 'node:http';

/** Google's JSON error body, as the Calendar API v3 sends it. */
export interface GoogleErrorBody {
  readonly error: {
    readonly code: number;
    readonly message: string;
    readonly errors: readonly { readonly domain: string; readonly reason: string; readonly message: string; readonly location?: string; readonly locationType?: string }[];
    readonly status?: string;
  };
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  410: 'FAILED_PRECONDITION',
  412: 'FAILED_PRECONDITION',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** The reason and message Google sends for a status when the caller names none. */
const DEFAULTS: Record<number, { reason: string; message: string }> = {
  400: { reason: 'badRequest', message: 'Bad Request' },
  401: { reason: 'authError', message: 'Invalid Credentials' },
  403: { reason: 'forbidden', message: 'Forbidden' },
  404: { reason: 'notFound', message: 'Not Found' },
  409: { reason: 'conflict', message: 'Conflict' },
  410: { reason: 'deleted', message: 'Resource has been deleted' },
  412: { reason: 'conditionNotMet', message: 'Precondition Failed' },
  429: { reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded' },
  500: { reason: 'backendError', message: 'Backend Error' },
  502: { reason: 'backendError', message: 'Bad Gateway' },
  503: { reason: 'backendError', message: 'Backend Error' },
  504: { reason: 'backendError', message: 'Deadline Exceeded' },
};

const MESSAGES: Record<string, string> = {
  rateLimitExceeded: 'Rate Limit Exceeded',
  userRateLimitExceeded: 'User Rate Limit Exceeded',
  quotaExceeded: 'Calendar usage limits exceeded.',
  duplicate: 'The requested identifier already exists.',
  fullSyncRequired: 'Sync token is no longer valid, a full sync is required.',
  conditionNotMet: 'Precondition Failed',
  deleted: 'Resource has been deleted',
};

/** `usageLimits` for quota and rate reasons, `global` for the rest, as Google does. */
function domainOf(reason: string): string {
  return ['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded', 'dailyLimitExceeded'].includes(reason) ? 'usageLimits' : 'global';
}

export function googleError(status: number, reason?: string, message?: string): GoogleErrorBody {
  const fallback = DEFAULTS[status] ?? { reason: 'backendError', message: 'Backend Error' };
  const why = reason ?? fallback.reason;
  const text = message ?? MESSAGES[why] ?? fallback.message;
  const entry = status === 401 ? { domain: 'global', reason: why, message: text, location: 'Authorization', locationType: 'header' } : { domain: domainOf(why), reason: why, message: text };
  return { error: { code: status, message: text, errors: [entry], status: STATUS_NAMES[status] ?? 'UNKNOWN' } };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'cache-control': 'no-cache, no-store', ...headers });
  res.end(JSON.stringify(body));
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, headers);
  res.end();
}

export function sendGoogleError(res: ServerResponse, status: number, reason?: string, message?: string): void {
  sendJson(res, status, googleError(status, reason, message));
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function readJson(request: { readonly body: string }): unknown {
  if (request.body.trim() === '') return {};
  return JSON.parse(request.body) as unknown;
}

/** `application/x-www-form-urlencoded` (the OAuth endpoints) or JSON. */
export function readForm(request: { readonly req: IncomingMessage; readonly body: string }): URLSearchParams {
  if ((request.req.headers['content-type'] ?? '').includes('json')) {
    return new URLSearchParams(Object.entries(JSON.parse(request.body || '{}') as Record<string, string>));
  }
  return new URLSearchParams(request.body);
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
