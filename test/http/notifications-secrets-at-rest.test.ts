import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLocalHost, type LocalHost } from '../../local/host/local-host.ts';
import { signDevToken } from '../../local/dev-issuer.ts';
import { containers } from '../../shared/platform/cosmos-containers.ts';
import { callApi } from '../support/stage-api.ts';
import { startReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';
import { eventually, shortDeliverySettings } from '../support/notification-fixtures.ts';

/**
 * Webhook URLs and secrets are stored sealed and never written anywhere in plaintext: after a
 * webhook lives through creation, rotation, deliveries (good and failing), a dead letter, a
 * replay and a ping, neither the URL (its secret path and token) nor any secret appears in any
 * stored document, any file of the data folder (Cosmos and broker journals), any log line or
 * any API answer after the creation one.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'stageline-secrets-'));
const hostLines: string[] = [];
const consoleLines: string[] = [];
let host: LocalHost;
let receiver: WebhookReceiver;
const answers: string[] = [];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error'] as const) {
    const original = console[method].bind(console);
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleLines.push(args.map(String).join(' '));
      original(...(args as []));
    });
  }
  let genericCalls = 0;
  receiver = await startReceiver((request) => ({ status: request.path.includes('/in?') && (genericCalls += 1) <= 4 ? 500 : 200 }));
  host = await startLocalHost({ dataDir, port: 0, servicePorts: 'ephemeral', log: (line) => hostLines.push(line), settings: { ...shortDeliverySettings } });
});
afterAll(async () => {
  await host.stop();
  await receiver.close();
  vi.restoreAllMocks();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('webhook URLs and secrets at rest', () => {
  it('appear in no stored document, data file, log line or later API answer', { timeout: 60_000 }, async () => {
    const admin = await signDevToken(dataDir, { role: 'admin', tenant: 'vault', sub: 'adm-1' });
    const recruiter = await signDevToken(dataDir, { role: 'recruiter', tenant: 'vault', sub: 'rec-1' });
    const call = async (path: string, init: Parameters<typeof callApi>[2] = {}) => {
      const answer = await callApi(host.baseUrl, path, init);
      answers.push(JSON.stringify(answer.body ?? ''));
      return answer;
    };
    const secretPath = 'p4th-8f3a9c';
    const secretToken = 'tok-5b1e77d2c4';
    const url = receiver.url(`/${secretPath}/in?token=${secretToken}`);
    const created = await callApi(host.baseUrl, '/manage/webhooks', { token: admin, json: { kind: 'generic', url } });
    expect(created.status).toBe(201);
    const chatUrl = receiver.url(`/v1/spaces/SPACE${secretPath}/messages?key=${secretToken}k&token=${secretToken}t`);
    const chat = await callApi(host.baseUrl, '/manage/webhooks', { token: admin, json: { kind: 'google_chat', url: chatUrl } });
    expect(chat.status).toBe(201);
    const rotated = await callApi(host.baseUrl, `/manage/webhooks/${created.body.id}/rotate-secret`, { token: admin, method: 'POST' });
    const secrets = [created.body.secret as string, rotated.body.secret as string];

    const application = await call('/applications', { token: recruiter, json: { jobId: 'job-1', candidateId: 'cand-1' } });
    await call(`/applications/${application.body.id}/stages`, { token: recruiter, json: { type: 'assignment', data: { instructions: 'x' } } });
    // The first four answers are 500: one delivery is dead-lettered; then replayed and delivered.
    const [entry] = await eventually('a dead letter', async () => {
      const found = (await call('/manage/dead-letters', { token: admin })).body.items;
      return found.length > 0 ? found : undefined;
    });
    await call(`/manage/dead-letters/${entry.id}/replay`, { token: admin, method: 'POST' });
    await call(`/applications/${application.body.id}/stages`, { token: recruiter, json: { type: 'assignment', data: { instructions: 'y' } } });
    await call(`/manage/webhooks/${created.body.id}/test`, { token: admin, method: 'POST' });
    await eventually('the deliveries to land', () => (receiver.requests.length >= 8 ? true : undefined));
    await call('/manage/webhooks', { token: admin });
    await call(`/manage/webhooks/${created.body.id}`, { token: admin });
    await call(`/manage/webhooks/${chat.body.id}`, { token: admin, method: 'PATCH', json: { events: ['offer.sent'] } });
    await call('/manage/dead-letters', { token: admin });
    await call('/me/notifications', { token: recruiter });

    // The needles are real: the receiver was called at exactly these URLs.
    expect(receiver.requests.some((request) => request.path === `/${secretPath}/in?token=${secretToken}`)).toBe(true);
    expect(receiver.requests.some((request) => request.path.startsWith(`/v1/spaces/SPACE${secretPath}/messages?key=${secretToken}k`))).toBe(true);
    const needles = [url, chatUrl, secretPath, secretToken, ...secrets, ...secrets.map((secret) => secret.slice('whsec_'.length))];
    const database = host.services.database;
    for (const { id } of containers) {
      if (id === 'leases') continue;
      const documents = JSON.stringify((await database.container(id).items.readAll().fetchAll()).resources);
      for (const needle of needles) expect(documents.includes(needle), `${needle} in container ${id}`).toBe(false);
    }
    const stored = JSON.stringify((await database.container('webhooks').items.readAll().fetchAll()).resources);
    expect(stored).toContain('"kid"');
    for (const file of files(dataDir)) {
      const content = readFileSync(file).toString('latin1');
      for (const needle of needles) expect(content.includes(needle), `${needle} in ${file}`).toBe(false);
    }
    const logs = [...hostLines, ...consoleLines].join('\n');
    expect(logs).toContain('dead-lettered');
    for (const needle of needles) {
      expect(logs.includes(needle), `${needle} in the logs`).toBe(false);
      expect(answers.join('\n').includes(needle), `${needle} in an API answer`).toBe(false);
    }
  });
});
