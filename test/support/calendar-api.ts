import type { ItemDefinition } from '@azure/cosmos';
import type { FakeEventView, FakeFault } from '../../local/fakes/google-calendar/index.ts';
import type { Clock } from '../../shared/platform/clock.ts';
import { bindSchedulingUseCases, type SchedulingUseCases } from '../../shared/scheduling/scheduling.module.ts';
import { waitFor } from '../local/cosmos-support/cosmos-fixtures.ts';
import { startApiStack, type ApiStack } from './stage-api.ts';

/** Fast retries and timeouts: tests never wait wall-clock seconds for a backoff. */
export const fastCalendarSettings = {
  CALENDAR_BACKOFF_BASE_MS: '5',
  CALENDAR_RETRY_BUDGET_MS: '1500',
  GOOGLE_CALENDAR_TIMEOUT_MS: '400',
} as const;

export interface CalendarStack extends ApiStack {
  /** The Calendar fake's control API. */
  readonly fake: {
    events(): Promise<FakeEventView[]>;
    /** Events not cancelled, by calendar. */
    liveEvents(calendarId?: string): Promise<FakeEventView[]>;
    inject(fault: FakeFault): Promise<void>;
    clearFaults(): Promise<void>;
    requests(operation?: string): Promise<Array<{ operation: string; status: number | 'dropped'; fault?: number }>>;
    control(path: string, json?: unknown): Promise<Response>;
  };
  /** Connects `sub`'s calendar through the real OAuth flow (the fake consents as `email`). */
  connect(tenant: string, sub: string, email: string): Promise<void>;
  /** Publishes slots as the recruiter; returns their ids in order. */
  publish(tenant: string, sub: string, slots: Array<{ start: string; end: string; timeZone: string; offset?: string }>): Promise<string[]>;
  /** A stored document of a scheduling container. */
  /** A stored item, by its partition key (`[tenant, recruiter]` for slots and connections, `[tenant, application]` for calls, the id for channels). */
  stored(container: 'slots' | 'scheduledCalls' | 'calendarConnections' | 'calendarChannels', id: string, partitionKey: string | readonly string[]): Promise<ItemDefinition | undefined>;
  /** Every document of a container. */
  all(container: string): Promise<ItemDefinition[]>;
  /** The scheduling use cases with another clock (sweeper, poll, completion). */
  at(now: string | (() => string)): SchedulingUseCases;
  /** Messages waiting on a queue. */
  /** Every message the app sent to `queue` since the stack started (consumed or not). */
  queued(queue: string): Promise<Array<{ messageId: string; body: any }>>;
}

/** Connects `sub`'s calendar through the real OAuth flow on any API stack (the fake consents as `email`). */
export async function connectCalendar(api: ApiStack, tenant: string, sub: string, email: string): Promise<void> {
  const token = await api.as('recruiter', tenant, sub);
  const started = await api.call('/calendar/connect', { token, json: { loginHint: email } });
  if (started.status !== 200) throw new Error(`connect answered ${started.status}: ${JSON.stringify(started.body)}`);
  const consent = await fetch(started.body.authorizationUrl, { redirect: 'manual' });
  const callback = consent.headers.get('location');
  if (consent.status !== 302 || callback === null) throw new Error(`consent answered ${consent.status}`);
  const done = await fetch(callback, { redirect: 'manual' });
  if (!String(done.headers.get('location')).includes('calendar=connected')) throw new Error(`callback sent the browser to ${done.headers.get('location')}`);
}

export async function startCalendarStack(settings: Record<string, string> = {}): Promise<CalendarStack> {
  const api = await startApiStack({ ...fastCalendarSettings, ...settings });
  const root = api.host.calendar.rootUrl;
  const control = (path: string, json?: unknown) =>
    fetch(`${root}_fake/${path}`, json === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });
  const database = api.host.services.database;
  const events = async () => ((await (await control('events')).json()) as { events: FakeEventView[] }).events;
  return {
    ...api,
    fake: {
      events,
      liveEvents: async (calendarId) => (await events()).filter((event) => event.status !== 'cancelled' && (calendarId === undefined || event.calendarId === calendarId)),
      async inject(fault) {
        const response = await control('faults', fault);
        if (response.status !== 201) throw new Error(`fault refused: ${await response.text()}`);
      },
      async clearFaults() {
        await fetch(`${root}_fake/faults`, { method: 'DELETE' });
      },
      async requests(operation) {
        const all = ((await (await control('requests')).json()) as { requests: Array<{ operation: string; status: number | 'dropped'; fault?: number }> }).requests;
        return operation === undefined ? all : all.filter((request) => request.operation === operation);
      },
      control,
    },
    connect: (tenant, sub, email) => connectCalendar(api, tenant, sub, email),
    async publish(tenant, sub, slots) {
      const token = await api.as('recruiter', tenant, sub);
      const answer = await api.call('/calendar/slots', { token, json: { slots } });
      if (answer.status !== 201) throw new Error(`publish answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      return answer.body.slots.map((slot: { id: string }) => slot.id);
    },
    stored: async (container, id, partitionKey) => (await database.container(container).item(id, typeof partitionKey === 'string' ? partitionKey : [...partitionKey]).read()).resource,
    all: async (container) => (await database.container(container).items.query('SELECT * FROM c').fetchAll()).resources,
    at(now) {
      const clock: Clock = { now: typeof now === 'string' ? () => now : now };
      return bindSchedulingUseCases({ ...api.host.services.scheduling.deps, clock });
    },
    // What the app sent to the queue (its consumer may already have taken it off).
    async queued(queue) {
      return api.sent.filter((message) => message.entity === queue).map((message) => ({ messageId: message.messageId, body: message.body as any }));
    },
  };
}

/** Waits until `probe` is true (the change feed, the topic subscription and push are asynchronous). */
export async function eventually(what: string, probe: () => Promise<boolean>): Promise<void> {
  await waitFor(probe, what);
}

/** A wall time `days` days from now at `hh:mm` (UTC date), for slots that must lie in the future. */
export function futureWallTime(days: number, time: string): string {
  const date = new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  return `${date}T${time}`;
}
