import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../local/dev-issuer.ts';
import { startHostProcess, type HostProcess } from '../support/host-process.ts';
import { callApi } from '../support/stage-api.ts';
import { startReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';
import { until } from './support/until.ts';

/**
 * `kill -9` of the host while a webhook delivery is in flight (the receiver has the POST, the
 * host has not completed the queue message): after the restart the delivery is made again with
 * the same `webhook-id`, so the receiver sees that id at most twice, and nothing is lost.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'stageline-notify-kill-'));
let host: HostProcess | undefined;
let receiver: WebhookReceiver | undefined;
afterAll(async () => {
  if (host && host.child.exitCode === null) await host.interrupt();
  await receiver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a webhook delivery across kill -9 of the host', () => {
  it('reaches the receiver at most twice with one webhook-id, and is completed after the restart', { timeout: 240_000 }, async () => {
    let hold = true;
    receiver = await startReceiver(() => (hold ? 'hang' : { status: 200 }));
    host = await startHostProcess(dataDir);
    const admin = await signDevToken(dataDir, { role: 'admin', tenant: 'kill', sub: 'adm-1' });
    const recruiter = await signDevToken(dataDir, { role: 'recruiter', tenant: 'kill', sub: 'rec-1' });
    const candidate = await signDevToken(dataDir, { role: 'candidate', tenant: 'kill', sub: 'cand-1' });
    const webhook = await callApi(host.baseUrl, '/manage/webhooks', { token: admin, json: { kind: 'generic', url: receiver.url() } });
    expect(webhook.status).toBe(201);
    const application = await callApi(host.baseUrl, '/applications', { token: recruiter, json: { jobId: 'job-1', candidateId: 'cand-1' } });
    const stage = await callApi(host.baseUrl, `/applications/${application.body.id}/stages`, { token: recruiter, json: { type: 'assignment', data: { instructions: 'x' } } });
    expect(stage.status).toBe(201);

    // The POST is at the receiver and unanswered: the delivery message is locked, not completed.
    await until('the delivery to reach the receiver', () => (receiver!.requests.length === 1 ? true : undefined), 60_000, 50);
    const webhookId = String(receiver.requests[0]!.headers['webhook-id']);
    await host.kill9();
    hold = false;

    host = await startHostProcess(dataDir);
    await until('the delivery again after the restart', () => (receiver!.requests.length >= 2 ? true : undefined), 90_000, 100);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const seen = receiver.requests.filter((request) => request.headers['webhook-id'] === webhookId);
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen.length).toBeLessThanOrEqual(2);
    expect(receiver.requests.every((request) => request.headers['webhook-id'] === webhookId)).toBe(true);
    expect(new Set(seen.map((request) => request.body)).size).toBe(1);

    const dead = await callApi(host.baseUrl, '/manage/dead-letters', { token: admin });
    expect(dead.body.items).toEqual([]);
    const inbox = await until('the candidate\'s notification', async () => {
      const answer = await callApi(host!.baseUrl, '/me/notifications', { token: candidate });
      return answer.body.items.length > 0 ? answer.body.items : undefined;
    }, 30_000, 100);
    expect(inbox).toHaveLength(1);
  });
});
