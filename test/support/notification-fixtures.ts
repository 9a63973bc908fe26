import { afterEach } from 'vitest';
import { startApiStack, type ApiStack } from './stage-api.ts';
import { useResource } from './use-resource.ts';
import { startReceiver, type WebhookReceiver } from './webhook-receiver.ts';

/** Settings for notification tests: a short retry schedule (4 attempts within ~1.4 s), a short timeout. */
export const shortDeliverySettings = {
  NOTIFICATIONS_RETRY_SCHEDULE: '200ms,400ms,800ms',
  NOTIFICATIONS_DELIVERY_TIMEOUT_MS: '500',
  NOTIFICATIONS_RETRY_AFTER_MAX_SECONDS: '2',
  STAGELINE_PUBLIC_URL: 'https://app.stageline.test',
} as const;

/** The short schedule's ceilings, for timing assertions. */
export const SHORT_SCHEDULE_MS = [200, 400, 800] as const;

export interface Tenant {
  readonly tenant: string;
  readonly admin: string;
  readonly recruiter: string;
  readonly candidate: string;
}

/** Tokens for an admin, a recruiter (`rec-1`) and a candidate (`cand-1`) of `tenant`. */
export async function tenantTokens(api: ApiStack, tenant: string): Promise<Tenant> {
  return {
    tenant,
    admin: await api.as('admin', tenant, 'adm-1'),
    recruiter: await api.as('recruiter', tenant, 'rec-1'),
    candidate: await api.as('candidate', tenant, 'cand-1'),
  };
}

/** Registers a webhook through the API; fails the test on anything but 201. */
export async function registerWebhook(api: ApiStack, admin: string, body: Record<string, unknown>): Promise<{ id: string; secret?: string; urlHint: string }> {
  const answer = await api.call('/manage/webhooks', { token: admin, json: body });
  if (answer.status !== 201) throw new Error(`webhook registration answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Creates an application for `cand-1` and returns its id. */
export async function newApplication(api: ApiStack, recruiter: string, jobId = 'job-1'): Promise<string> {
  const answer = await api.call('/applications', { token: recruiter, json: { jobId, candidateId: 'cand-1' } });
  if (answer.status !== 201) throw new Error(`application answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body.id as string;
}

/** Adds a stage through the API (one `stage.created` event); returns its id. */
export async function addStage(api: ApiStack, recruiter: string, applicationId: string, body: Record<string, unknown>): Promise<string> {
  const answer = await api.call(`/applications/${applicationId}/stages`, { token: recruiter, json: body });
  if (answer.status !== 201) throw new Error(`stage answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body.stage.id as string;
}

export const assignment = (visibleToCandidate = true) => ({ type: 'assignment', visibleToCandidate, data: { instructions: 'Build a small service' } });

/** Polls until `probe` returns a value (not undefined). */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The tenant's dead letters through the API. */
export async function deadLetters(api: ApiStack, admin: string, query = ''): Promise<any[]> {
  const answer = await api.call(`/manage/dead-letters${query}`, { token: admin });
  if (answer.status !== 200) throw new Error(`dead letters answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body.items;
}

/** A counter's value on the local host's `/metrics` (Prometheus text), summed over series matching `labels`. */
export async function metricValue(baseUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/**
 * What a notification test file runs against: one API stack with the short delivery settings for
 * the whole file, and loopback webhook receivers, each closed after the test that opened it.
 */
export function notificationStack(): { readonly api: () => ApiStack; readonly receiver: (answer?: WebhookReceiver['answer']) => Promise<WebhookReceiver> } {
  const api = useResource('all', () => startApiStack({ ...shortDeliverySettings }), (stack) => stack.stop());
  const open: WebhookReceiver[] = [];
  afterEach(async () => {
    for (const receiver of open.splice(0)) await receiver.close();
  });
  return {
    api,
    async receiver(answer) {
      const started = await startReceiver(answer);
      open.push(started);
      return started;
    },
  };
}
