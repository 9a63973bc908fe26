import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalHost, type LocalHost } from '../../local/host/local-host.ts';
import { signDevToken } from '../../local/dev-issuer.ts';

/** The host as `npm start` runs it: HTTP functions on a worker thread, the background ones here. */
describe('local host with its HTTP instance on a worker thread', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'stageline-http-instance-'));
  let host: LocalHost;
  const fatal: Error[] = [];
  const api = async (path: string, token?: string, json?: unknown) =>
    fetch(`${host.baseUrl}/api${path}`, {
      method: json === undefined ? 'GET' : 'POST',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });

  beforeAll(async () => {
    host = await startLocalHost({ dataDir, port: 0, servicePorts: 'ephemeral', httpInstance: 'worker', log: () => undefined, onFatal: (error) => fatal.push(error) });
  });
  afterAll(async () => {
    await host?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the API there while the background instance publishes its events to the inbox', async () => {
    const recruiter = await signDevToken(dataDir, { role: 'recruiter', tenant: 'acme', sub: 'rec-1' });
    const candidate = await signDevToken(dataDir, { role: 'candidate', tenant: 'acme', sub: 'cand-1' });
    await host.requestCounts({ reset: true });
    const created = await api('/applications', recruiter, { jobId: 'job-1', candidateId: 'cand-1' });
    expect(created.status).toBe(201);
    const application = (await created.json()) as { id: string };
    const staged = await api(`/applications/${application.id}/stages`, recruiter, { type: 'offer_accepted', data: {} });
    expect(staged.status).toBe(201);

    let inbox: { items: Array<{ event: string }> } = { items: [] };
    for (let tries = 0; tries < 100 && inbox.items.length === 0; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      inbox = (await (await api('/me/notifications', candidate)).json()) as typeof inbox;
    }
    expect(inbox.items.map((item) => item.event)).toContain('stage.created');
    const timeline = (await (await api(`/applications/${application.id}/timeline`, recruiter)).json()) as { items: unknown[] };
    expect(timeline.items.length).toBeGreaterThanOrEqual(1);

    // The request path counted in the HTTP instance, the publisher's in this one: both in the sum.
    const counts = await host.requestCounts({ reset: true });
    expect(counts['applications:read']).toBeGreaterThanOrEqual(1);
    expect(counts['events/timeline:create']).toBeGreaterThanOrEqual(1);
    expect((await host.requestCounts())['applications:read'] ?? 0).toBe(0);
    expect(fatal).toEqual([]);
  });

  it('answers /metrics with both instances\' samples under one family, and health reaches the broker', async () => {
    const text = await (await fetch(`${host.baseUrl}/metrics`)).text();
    expect(text.match(/^# TYPE stageline_cosmos_requests_total counter$/gm)).toHaveLength(1);
    expect(text).toMatch(/^stageline_cosmos_requests_total\{functions_group="http",container="applications",operation="read"/m);
    expect(text).toMatch(/^stageline_cosmos_requests_total\{functions_group="background",container="timeline",operation="create",scope="events"/m);
    const health = (await (await api('/health')).json()) as { status: string; dependencies: Array<{ name: string; status: string }> };
    expect(health.dependencies.find((dependency) => dependency.name === 'bus')?.status).toBe('up');
  });

  it('stops the HTTP instance with the host: the port closes and no fatal exit is reported', async () => {
    const baseUrl = host.baseUrl;
    await host.stop();
    await expect(fetch(`${baseUrl}/api/health`)).rejects.toThrow();
    expect(fatal).toEqual([]);
    host = undefined as unknown as LocalHost;
  });
});
