import type { IncomingMessage } from 'node:http';
import type { FakeCalendarState } from './fake-calendar-state.ts';
import type { FakeChannels } from './fake-channels.ts';
import type { FakeFaults, FakeOperation } from './fake-faults.ts';
import type { FakeOAuthState } from './fake-oauth-state.ts';
import { googleError } from './fake-http.ts';

/** What a handler answers; the dispatcher writes it, or cuts the connection instead (`dropResponse`). */
export interface FakeAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RequestLogEntry {
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  /** The query string (`?sendUpdates=all&conferenceDataVersion=1`). */
  readonly query: string;
  readonly status: number | 'dropped';
  readonly fault?: number;
  readonly at: string;
}

export interface FakeContext {
  readonly oauth: FakeOAuthState;
  readonly calendars: FakeCalendarState;
  readonly channels: FakeChannels;
  readonly faults: FakeFaults;
  readonly requests: RequestLogEntry[];
  readonly rootUrl: () => string;
  /** Something changed: persist (when the fake has a state file). */
  readonly changed: () => void;
}

export interface FakeRequest {
  readonly req: IncomingMessage;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  /** The body, read in full before any fault delay (a client that gives up does not undo its request). */
  readonly body: string;
}

export type FakeHandler = (ctx: FakeContext, request: FakeRequest) => Promise<FakeAnswer>;

export interface FakeRoute {
  readonly method: string;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  /** The operation faults name; `undefined` for the control API (never faulted). */
  readonly operation?: Exclude<FakeOperation, '*'>;
  readonly handler: FakeHandler;
}

/** `{calendarId}`-style path templates to regular expressions. */
export function route(method: string, template: string, operation: FakeRoute['operation'], handler: FakeHandler): FakeRoute {
  const names: string[] = [];
  const pattern = new RegExp(`^${template.replace(/\{(\w+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'))}$`);
  return { method, pattern, names, ...(operation ? { operation } : {}), handler };
}

export const json = (status: number, body: unknown): FakeAnswer => ({ status, body });
export const error = (status: number, reason?: string, message?: string): FakeAnswer => ({ status, body: googleError(status, reason, message) });
