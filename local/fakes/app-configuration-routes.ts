import { FilterError, keyMatcher, labelMatcher, tagsMatcher } from './app-configuration-filters.ts';
import { pageEtag, type KeyValueRecord, type KeyValueStore } from './app-configuration-store.ts';

export interface FakeRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

export interface FakeResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
}

const KV_SET = 'application/vnd.microsoft.appconfig.kvset+json; charset=utf-8';
const KV = 'application/vnd.microsoft.appconfig.kv+json; charset=utf-8';
const PROBLEM = 'application/problem+json; charset=utf-8';
const SELECTABLE = new Set(['key', 'label', 'content_type', 'value', 'last_modified', 'tags', 'locked', 'etag']);

/** `application/problem+json` bodies with the `https://azconfig.io/errors/...` types the service uses. */
export function problem(status: number, type: string, title: string, extra: { name?: string; detail?: string } = {}): FakeResponse {
  return { status, headers: { 'content-type': PROBLEM }, body: { type: `https://azconfig.io/errors/${type}`, title, ...extra, status } };
}

function invalidArgument(name: string, detail: string): FakeResponse {
  return problem(400, 'invalid-argument', `Invalid request parameter '${name}'`, { name, detail });
}

/** Answers the data-plane calls the provider makes: list and read key-values (GET and HEAD). */
export function route(request: FakeRequest, store: KeyValueStore, pageSize: number): FakeResponse {
  const { pathname } = request.url;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return problem(405, 'method-not-allowed', 'Method not allowed', { detail: `The fake serves GET and HEAD only, not ${request.method}.` });
  }
  if (request.headers['accept-datetime'] !== undefined) {
    return invalidArgument('Accept-Datetime', 'The fake keeps no revisions; Accept-Datetime is not supported.');
  }
  const syncToken = request.headers['sync-token'];
  if (syncToken !== undefined && !syncToken.split(',').every((token) => /^[^=\s]+=[^;\s]+$/.test(token.trim()))) {
    return invalidArgument('Sync-Token', "Sync tokens must have the form '<id>=<value>'.");
  }
  try {
    if (pathname === '/kv') return listKeyValues(request, store, pageSize);
    if (pathname.startsWith('/kv/')) return readKeyValue(request, store, decodeURIComponent(pathname.slice('/kv/'.length)));
  } catch (error) {
    if (error instanceof FilterError) return invalidArgument(error.parameter, error.message);
    throw error;
  }
  if (pathname.startsWith('/snapshots/')) return problem(404, 'not-found', 'Snapshot not found', { name: decodeURIComponent(pathname.slice(11)) });
  return { status: 404, headers: {} };
}

function listKeyValues(request: FakeRequest, store: KeyValueStore, pageSize: number): FakeResponse {
  const query = request.url.searchParams;
  if (query.has('snapshot')) return problem(404, 'not-found', 'Snapshot not found', { name: query.get('snapshot') ?? '' });
  const keys = keyMatcher(query.get('key'));
  const labels = labelMatcher(query.get('label'));
  const tags = tagsMatcher(query.getAll('tags'));
  const select = selectedFields(query.get('$select'));
  const matching = store.sorted().filter((item) => keys(item.key) && labels(item.label) && tags(item.tags));
  const start = decodeAfter(query.get('after'), matching);
  const page = matching.slice(start, start + pageSize);
  const etag = pageEtag(page);
  const headers: Record<string, string> = { etag: `"${etag}"` };
  let nextLink: string | undefined;
  if (start + pageSize < matching.length) {
    const next = new URL(request.url);
    next.searchParams.set('after', Buffer.from(String(start + pageSize)).toString('base64url'));
    nextLink = `${next.pathname}${next.search}`;
    headers.link = `<${nextLink}>; rel="next"`;
  }
  if (etagMatches(request.headers['if-none-match'], etag)) return { status: 304, headers };
  if (request.headers['if-match'] !== undefined && !etagMatches(request.headers['if-match'], etag)) return { status: 412, headers };
  const body = { items: page.map((item) => project(item, select)), etag, ...(nextLink ? { '@nextLink': nextLink } : {}) };
  return { status: 200, headers: { ...headers, 'content-type': KV_SET }, body };
}

function readKeyValue(request: FakeRequest, store: KeyValueStore, key: string): FakeResponse {
  const label = request.url.searchParams.get('label');
  const item = store.get(key, label === null || label === '\0' || label === '' ? null : label);
  if (!item) return { status: 404, headers: {} };
  const headers = { etag: `"${item.etag}"`, 'last-modified': new Date(item.last_modified).toUTCString() };
  if (etagMatches(request.headers['if-none-match'], item.etag)) return { status: 304, headers };
  if (request.headers['if-match'] !== undefined && !etagMatches(request.headers['if-match'], item.etag)) return { status: 412, headers };
  return { status: 200, headers: { ...headers, 'content-type': KV }, body: project(item, selectedFields(request.url.searchParams.get('$select'))) };
}

function selectedFields(select: string | null): readonly string[] | undefined {
  if (select === null) return undefined;
  const fields = select.split(',').map((field) => field.trim());
  const unknown = fields.find((field) => !SELECTABLE.has(field));
  if (unknown !== undefined) throw new FilterError('$select', `Unknown field '${unknown}'.`);
  return fields;
}

function project(item: KeyValueRecord, fields: readonly string[] | undefined): Partial<KeyValueRecord> {
  if (!fields) return item;
  return Object.fromEntries(Object.entries(item).filter(([name]) => fields.includes(name)));
}

function decodeAfter(after: string | null, matching: readonly KeyValueRecord[]): number {
  if (after === null) return 0;
  const offset = Number(Buffer.from(after, 'base64url').toString());
  if (!Number.isInteger(offset) || offset < 0 || offset > matching.length) throw new FilterError('After', 'The continuation token is not valid.');
  return offset;
}

/** `If-None-Match` / `If-Match`: `*` or a list of quoted (or bare) etags. */
function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((candidate) => {
    const value = candidate.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
    return value === '*' || value === etag;
  });
}
