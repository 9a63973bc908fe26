import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { addStage } from '../../shared/stages/domain/application.ts';
import type { CreateStageBody } from '../../shared/stages/domain/create-stage.schema.ts';
import type { ItemDefinition } from '@azure/cosmos';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import { DYNAMIC_STAGES_FLAG } from '../../shared/flags/ports/feature-gate.port.ts';
import type { DevRole } from '../../local/dev-issuer.ts';
import { timelineEntryId } from '../../shared/timeline/domain/timeline-entry.ts';
import { waitFor } from '../local/cosmos-support/cosmos-fixtures.ts';
import { storedApplication } from './stage-service-fixtures.ts';
import { startTestStack, type TestStack } from './local-stack.ts';

/** A verified offer letter, as the documents capability would hand it to the stage (seeded through code). */
export const offerLetter = { documentId: 'doc-1', fileName: 'offer.pdf', contentType: 'application/pdf', size: 2048 };

/** Any answer of the API: status, headers and the parsed JSON body (or the text when it is not JSON). */
export interface ApiAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

export interface CallInit {
  readonly method?: string;
  readonly token?: string;
  readonly json?: unknown;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

/** One request to `{baseUrl}/api{path}`: the one way the HTTP tests talk to the API. */
export async function callApi(baseUrl: string, path: string, init: CallInit = {}): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...init.headers };
  let body: string | undefined = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers['content-type'] = 'application/json';
  }
  // Redirects are answers too (the OAuth callback): never followed.
  const response = await fetch(`${baseUrl}/api${path}`, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, redirect: 'manual', ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/**
 * A small client of the stage API for end-to-end tests (also against a host in another process):
 * every call goes over HTTP with a development token, and fails the test on an unexpected status.
 */
export interface StageApi {
  createApplication(id: string, candidateId: string): Promise<void>;
  createAssignment(applicationId: string, options?: { visibleToCandidate?: boolean }): Promise<string>;
  act(applicationId: string, stageId: string, action: string, payload?: unknown, as?: 'candidate' | 'recruiter'): Promise<void>;
}

export function stageApi(options: { readonly baseUrl: string; readonly recruiterToken: string; readonly candidateToken: string }): StageApi {
  const post = async (path: string, token: string, json: unknown, expected: number): Promise<any> => {
    const answer = await callApi(options.baseUrl, path, { token, json });
    if (answer.status !== expected) throw new Error(`POST ${path} answered ${answer.status}, expected ${expected}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  return {
    async createApplication(id, candidateId) {
      await post('/applications', options.recruiterToken, { id, jobId: 'job-1', candidateId }, 201);
    },
    async createAssignment(applicationId, stageOptions = {}) {
      const created = await post(
        `/applications/${encodeURIComponent(applicationId)}/stages`,
        options.recruiterToken,
        { type: 'assignment', visibleToCandidate: stageOptions.visibleToCandidate ?? true, data: { instructions: 'Build a small service' } },
        201,
      );
      return created.stage.id as string;
    },
    async act(applicationId, stageId, action, payload = {}, as = 'recruiter') {
      const token = as === 'candidate' ? options.candidateToken : options.recruiterToken;
      await post(`/applications/${encodeURIComponent(applicationId)}/stages/${encodeURIComponent(stageId)}/actions/${action}`, token, payload, 200);
    },
  };
}

export interface ApiStack extends TestStack {
  /**
   * Every message the app handed the bus since the stack started, in order (queues have their own
   * consumers, so peeking them would race those): entity, message id and body.
   */
  readonly sent: ReadonlyArray<{ readonly entity: string; readonly messageId: string; readonly body: unknown }>;
  /** A token for `role` in `tenant` as `sub` (cached). */
  as(role: DevRole, tenant: string, sub: string): Promise<string>;
  /**
   * The stored application document, Cosmos system fields included (`tenantId` omitted: the one
   * application with that id, in whichever tenant; two tenants holding the id is a test error).
   */
  raw(applicationId: string, tenantId?: string): Promise<ItemDefinition | undefined>;
  /**
   * The stored document once the outbox publisher (change feed) has published its latest event
   * (its timeline entry exists): from then on nothing but a request changes the application or
   * its timeline, so before/after comparisons can include the `_etag`.
   */
  settled(applicationId: string, tenantId?: string): Promise<ItemDefinition | undefined>;
  /** Every stored application id. */
  applicationIds(): Promise<string[]>;
  /** Rewrites the flags file and waits until the app sees the new state. */
  setFlag(state: 'on' | 'off' | 'unavailable'): Promise<void>;
  /** POST/GET helper returning status, headers and parsed JSON body. */
  call(path: string, init?: CallInit): Promise<ApiAnswer>;
  /** Adds a stage through the one mutation path in code, with verified documents (as the documents capability would). */
  seedStage(applicationId: string, body: CreateStageBody, tenantId?: string): Promise<string>;
}

/** The local stack with flags re-read every second (and any `settings` on top), plus helpers for the stage API tests. */
export async function startApiStack(settings: Readonly<Record<string, string>> = {}, options: { readonly metricReaders?: readonly IMetricReader[] } = {}): Promise<ApiStack> {
  const stack = await startTestStack({ settings: { FEATURE_FLAGS_REFRESH_SECONDS: '1', ...settings }, ...(options.metricReaders ? { metricReaders: options.metricReaders } : {}) });
  const tokens = new Map<string, Promise<string>>();
  const applications = stack.host.services.database.container('applications');
  const timeline = stack.host.services.database.container('timeline');
  const sent: Array<{ entity: string; messageId: string; body: unknown }> = [];
  const bus = stack.host.services.bus;
  const send = bus.send.bind(bus);
  bus.send = async (entity, messages) => {
    await send(entity, messages);
    for (const message of messages) sent.push({ entity, messageId: message.messageId, body: message.body });
  };
  const as = (role: DevRole, tenant: string, sub: string) => {
    const key = `${role}|${tenant}|${sub}`;
    if (!tokens.has(key)) tokens.set(key, stack.token(role, tenant, sub));
    return tokens.get(key)!;
  };
  return {
    ...stack,
    sent,
    as,
    raw: (id, tenantId) => storedApplication(applications, id, tenantId),
    async settled(id, tenantId) {
      let current: ItemDefinition | undefined;
      await waitFor(async () => {
        current = await storedApplication(applications, id, tenantId);
        if (current === undefined || current['eventSeq'] === 0) return true;
        const entry = timelineEntryId(String(current['tenantId']), id, Number(current['eventSeq']));
        return (await timeline.item(entry, [String(current['tenantId']), id]).read()).statusCode === 200;
      }, `the latest event of ${id} to be published`);
      return current;
    },
    applicationIds: async () => (await applications.items.query<{ id: string }>('SELECT c.id FROM c').fetchAll()).resources.map((r) => r.id).sort(),
    async setFlag(state) {
      const content =
        state === 'unavailable'
          ? '{ this is not json'
          : JSON.stringify({ feature_management: { feature_flags: [{ id: DYNAMIC_STAGES_FLAG, enabled: state === 'on', conditions: { client_filters: [] } }] } });
      writeFileSync(stack.host.flagsFile, content);
      await waitFor(async () => (await stack.host.services.flags.state(DYNAMIC_STAGES_FLAG)).status === state, `flag ${state}`);
    },
    call: (path, init) => callApi(stack.baseUrl, path, init),
    async seedStage(applicationId, body, tenantId = 'acme') {
      const actor = { role: 'recruiter' as const, id: 'rec-1' };
      const stageId = randomUUID();
      await stack.host.services.stages.useCases.mutator.mutate({ tenantId, actor }, applicationId, (application, now) => addStage(application, body, actor, now, stageId));
      return stageId;
    },
  };
}
