import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { FakeCalendarState } from './fake-calendar-state.ts';
import { FakeChannels } from './fake-channels.ts';
import type { FakeAnswer, FakeContext, FakeRoute, RequestLogEntry } from './fake-context.ts';
import { controlRoutes } from './fake-control-routes.ts';
import { eventRoutes } from './fake-event-routes.ts';
import { FakeFaults, type FakeFault, type InjectedFault } from './fake-faults.ts';
import { delay, googleError, readBody, sendEmpty, sendGoogleError, sendJson } from './fake-http.ts';
import { FakeOAuthState, type OAuthClient } from './fake-oauth-state.ts';
import { oauthFaultAnswer, oauthRoutes } from './fake-oauth-routes.ts';

export type { FakeFault } from './fake-faults.ts';
export type { FakeEventView } from './fake-control-routes.ts';

/**
 * A loopback stand-in for Google Calendar API v3 and Google's OAuth 2.0 endpoints, answering as
 * Google does so the real `@googleapis/calendar` and `google-auth-library` clients can be pointed
 * at it (`rootUrl`, OAuth `endpoints`). Plus a control API under `/_fake/` (see
 * `fake-control-routes.ts`). With `stateFile`, accounts, tokens, events and channels survive a
 * restart of the local host.
 */
export interface GoogleCalendarFake {
  /** The Calendar API root (`GOOGLE_CALENDAR_ROOT_URL`). */
  readonly rootUrl: string;
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  readonly revokeUrl: string;
  registerClient(client: OAuthClient): void;
  inject(fault: FakeFault): InjectedFault;
  clearFaults(): void;
  stop(): Promise<void>;
}

export interface GoogleCalendarFakeOptions {
  readonly host?: string;
  readonly port?: number;
  readonly clients?: readonly OAuthClient[];
  readonly stateFile?: string;
  /** For probabilistic faults (default `Math.random`). */
  readonly random?: () => number;
}

const routes: FakeRoute[] = [...oauthRoutes, ...eventRoutes, ...controlRoutes];

export async function startGoogleCalendarFake(options: GoogleCalendarFakeOptions = {}): Promise<GoogleCalendarFake> {
  let rootUrl = '';
  const oauth = new FakeOAuthState();
  const calendars = new FakeCalendarState();
  const channels = new FakeChannels();
  let persistTimer: NodeJS.Timeout | undefined;
  const persist = () => {
    if (options.stateFile === undefined) return;
    mkdirSync(dirname(options.stateFile), { recursive: true });
    const temp = `${options.stateFile}.tmp`;
    writeFileSync(temp, JSON.stringify({ oauth: oauth.snapshot(), calendars: calendars.snapshot(), channels: channels.snapshot() }));
    renameSync(temp, options.stateFile);
  };
  if (options.stateFile !== undefined && existsSync(options.stateFile)) {
    const saved = JSON.parse(readFileSync(options.stateFile, 'utf8')) as { oauth?: unknown; calendars?: unknown; channels?: unknown };
    oauth.restore(saved.oauth);
    calendars.restore(saved.calendars);
    channels.restore(saved.channels);
  }
  for (const client of options.clients ?? []) oauth.registerClient(client);
  const ctx: FakeContext = {
    oauth,
    calendars,
    channels,
    faults: new FakeFaults(options.random),
    requests: [],
    rootUrl: () => rootUrl,
    changed: () => {
      if (options.stateFile === undefined || persistTimer !== undefined) return;
      persistTimer = setTimeout(() => {
        persistTimer = undefined;
        persist();
      }, 200);
    },
  };

  const server: Server = createServer((req, res) => {
    void handle(ctx, req, res).catch((failure: unknown) => {
      if (!res.headersSent) sendJson(res, 500, googleError(500, 'backendError', failure instanceof Error ? failure.message : String(failure)));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  rootUrl = `http://${address.address}:${address.port}/`;
  return {
    rootUrl,
    authorizeUrl: `${rootUrl}o/oauth2/v2/auth`,
    tokenUrl: `${rootUrl}token`,
    revokeUrl: `${rootUrl}revoke`,
    registerClient: (client) => {
      oauth.registerClient(client);
      ctx.changed();
    },
    inject: (fault) => ctx.faults.inject(fault),
    clearFaults: () => ctx.faults.clear(),
    async stop() {
      clearTimeout(persistTimer);
      persistTimer = undefined;
      persist();
      await channels.settled();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

async function handle(ctx: FakeContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake');
  const method = req.method ?? 'GET';
  let matched: { route: FakeRoute; params: Record<string, string> } | undefined;
  for (const candidate of routes) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(url.pathname);
    if (match) {
      matched = { route: candidate, params: Object.fromEntries(candidate.names.map((name, index) => [name, match[index + 1]!])) };
      break;
    }
  }
  if (matched === undefined) return sendGoogleError(res, 404, 'notFound', 'Not Found');
  const { route, params } = matched;
  const body = await readBody(req);
  const operation = route.operation;
  const decision = operation === undefined ? undefined : ctx.faults.decide(operation);
  const log = (status: RequestLogEntry['status']) => {
    if (operation !== undefined) ctx.requests.push({ operation, method, path: url.pathname, query: url.search, status, ...(decision ? { fault: decision.fault.id } : {}), at: new Date().toISOString() });
  };
  if (decision !== undefined && decision.latencyMs > 0) await delay(decision.latencyMs);
  if (decision?.status !== undefined && !decision.dropResponse) {
    log(decision.status);
    const answer = operation!.startsWith('oauth.') ? oauthFaultAnswer(decision.status, decision.reason) : { status: decision.status, body: googleError(decision.status, decision.reason) };
    return write(res, answer);
  }
  const answer = await route.handler(ctx, { req, url, params, body });
  if (decision?.dropResponse) {
    // The operation took effect; the caller never hears of it.
    log('dropped');
    req.socket.destroy();
    return;
  }
  log(answer.status);
  write(res, answer);
}

function write(res: ServerResponse, answer: FakeAnswer): void {
  if (answer.body === undefined) return sendEmpty(res, answer.status, { ...answer.headers });
  sendJson(res, answer.status, answer.body, { ...answer.headers });
}
