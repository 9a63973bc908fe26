import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { FEATURE_FLAG_CONTENT_TYPE, FEATURE_FLAG_PREFIX, KeyValueStore, type KeyValueInput, type KeyValueRecord } from './app-configuration-store.ts';
import { problem, route, type FakeResponse } from './app-configuration-routes.ts';
import { createFakeCertificate } from './app-configuration-certificate.ts';

/**
 * How the fake misbehaves while "down": `refuse` closes the listening socket (ECONNREFUSED),
 * `reset` drops each connection without an answer (ECONNRESET), `hang` accepts and never
 * answers, `status` answers every call with a problem body and that status (429 carries the
 * `retry-after-ms` headers the service sends).
 */
export type Outage = { readonly kind: 'refuse' | 'reset' | 'hang' } | { readonly kind: 'status'; readonly status: number; readonly retryAfterMs?: number };

export interface RecordedCall {
  readonly method: string;
  /** Path and query as received. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** 0 when the fake gave no answer (`reset`, `hang`). */
  readonly status: number;
}

export interface AppConfigurationFakeOptions {
  /** When set, only `Authorization: Bearer <token>` is accepted; otherwise any bearer token is. */
  readonly token?: string;
  /** Items per list page (the service's default is 100). */
  readonly pageSize?: number;
  readonly port?: number;
}

export interface AppConfigurationFake {
  /** `https://127.0.0.1:<port>`: the endpoint to give the provider. */
  readonly endpoint: string;
  /** The fake's self-signed certificate (PEM): the one certificate its clients must trust. */
  readonly certificatePem: string;
  readonly calls: readonly RecordedCall[];
  /** Writes `.appconfig.featureflag/<id>` with the feature-flag content type and the portal's JSON. */
  setFeatureFlag(id: string, enabled: boolean, label?: string | null): KeyValueRecord;
  /** Writes a feature flag's raw value, malformed or not. */
  setFeatureFlagValue(id: string, rawValue: string, label?: string | null): KeyValueRecord;
  setKeyValue(input: KeyValueInput): KeyValueRecord;
  deleteKeyValue(key: string, label?: string | null): boolean;
  /** Starts an outage of the given kind; `refuse` resolves once the port is closed. */
  goDown(outage?: Outage): Promise<void>;
  /** Ends any outage: listens again on the same port and answers normally. */
  comeBack(): Promise<void>;
  stop(): Promise<void>;
}

export async function startAppConfigurationFake(options: AppConfigurationFakeOptions = {}): Promise<AppConfigurationFake> {
  const store = new KeyValueStore();
  const calls: RecordedCall[] = [];
  const hanging = new Set<ServerResponse>();
  const pageSize = options.pageSize ?? 100;
  let outage: Outage | undefined;

  const certificate = await createFakeCertificate();
  const server: Server = createServer({ cert: certificate.certificatePem, key: certificate.keyPem }, (req, res) => {
    const call = { method: req.method ?? 'GET', path: req.url ?? '/', headers: flatHeaders(req) };
    const record = (status: number) => calls.push({ ...call, status });
    if (outage?.kind === 'reset') {
      record(0);
      req.socket.destroy();
      return;
    }
    if (outage?.kind === 'hang') {
      record(0);
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    const answer = outage?.kind === 'status' ? outageAnswer(outage) : authorize(req, options.token) ?? serve(req, call.headers);
    const response = withCommonHeaders(answer, call.headers, store);
    record(response.status);
    send(res, req.method === 'HEAD', response);
  });

  function serve(req: IncomingMessage, headers: Record<string, string | undefined>): FakeResponse {
    try {
      return route({ method: req.method ?? 'GET', url: new URL(req.url ?? '/', 'http://fake'), headers }, store, pageSize);
    } catch (error) {
      return problem(500, 'internal-error', 'Internal server error', { detail: error instanceof Error ? error.message : String(error) });
    }
  }

  const port = await listen(server, options.port ?? 0);
  const endpoint = `https://127.0.0.1:${port}`;

  const setFeatureFlagValue = (id: string, rawValue: string, label: string | null = null) =>
    store.set({ key: `${FEATURE_FLAG_PREFIX}${id}`, label, contentType: FEATURE_FLAG_CONTENT_TYPE, value: rawValue });

  const releaseHanging = () => {
    for (const res of hanging) res.socket?.destroy();
    hanging.clear();
  };

  return {
    endpoint,
    certificatePem: certificate.certificatePem,
    calls,
    setFeatureFlag: (id, enabled, label) => setFeatureFlagValue(id, JSON.stringify({ id, description: '', enabled, conditions: { client_filters: [] } }), label),
    setFeatureFlagValue,
    setKeyValue: (input) => store.set(input),
    deleteKeyValue: (key, label) => store.delete(key, label ?? null),
    async goDown(next = { kind: 'refuse' }) {
      outage = next;
      if (next.kind === 'refuse') await close(server);
    },
    async comeBack() {
      const previous = outage;
      outage = undefined;
      releaseHanging();
      if (previous?.kind === 'refuse') await listen(server, port);
    },
    async stop() {
      releaseHanging();
      if (server.listening) await close(server);
    },
  };
}

function authorize(req: IncomingMessage, token: string | undefined): FakeResponse | undefined {
  const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
  if (match && (token === undefined || match[1] === token)) return undefined;
  const description = match ? 'The access token is invalid' : 'Authorization header is missing';
  return { status: 401, headers: { 'www-authenticate': `HMAC-SHA256, Bearer error="invalid_token", error_description="${description}"` } };
}

function outageAnswer(outage: { status: number; retryAfterMs?: number }): FakeResponse {
  const answer = outage.status === 429
    ? problem(429, 'too-many-requests', 'Resource utilization has surpassed the assigned quota', { detail: 'Too many requests' })
    : problem(outage.status, 'internal-error', outage.status === 503 ? 'Service unavailable' : 'Internal server error');
  if (outage.retryAfterMs === undefined) return answer;
  const ms = String(outage.retryAfterMs);
  return { ...answer, headers: { ...answer.headers, 'retry-after-ms': ms, 'x-ms-retry-after-ms': ms } };
}

function withCommonHeaders(response: FakeResponse, requestHeaders: Record<string, string | undefined>, store: KeyValueStore): FakeResponse {
  const clientRequestId = requestHeaders['x-ms-client-request-id'];
  return {
    ...response,
    headers: {
      ...response.headers,
      'x-ms-request-id': randomUUID(),
      'x-ms-correlation-request-id': randomUUID(),
      ...(clientRequestId ? { 'x-ms-client-request-id': clientRequestId } : {}),
      ...(response.status < 500 && response.status !== 401 ? { 'sync-token': store.syncTokenHeader() } : {}),
    },
  };
}

function send(res: ServerResponse, head: boolean, response: FakeResponse): void {
  const body = response.body === undefined || response.status === 304 ? undefined : Buffer.from(JSON.stringify(response.body));
  res.writeHead(response.status, { ...response.headers, ...(body ? { 'content-length': String(body.length) } : {}) });
  res.end(head ? undefined : body);
}

function flatHeaders(req: IncomingMessage): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]));
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
