import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { functionRegistry } from '../../local/host/function-registry.ts';
import { containers, partitionKeyPaths } from '../../shared/platform/cosmos-containers.ts';

describe('local host (whole stack on free ports)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('loads the app through its own registrations: every app.http call is in the registry', () => {
    const health = functionRegistry().functions.find((fn) => fn.name === 'health');
    expect(health?.trigger).toMatchObject({ type: 'httpTrigger', route: 'health', methods: ['GET'] });
  });

  it('answers GET /api/health with 200 and every dependency up, with latency', async () => {
    const response = await stack.api('/health');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; dependencies: Array<{ name: string; status: string; latencyMs: number }> };
    expect(body.status).toBe('up');
    expect(body.dependencies.map((d) => d.name).sort()).toEqual(['blob', 'bus', 'calendar', 'cosmos', 'flags']);
    for (const dependency of body.dependencies) {
      expect(dependency.status).toBe('up');
      expect(dependency.latencyMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('answers an unknown route with 404 and a method the route does not accept with 404, as the real host', async () => {
    expect((await stack.api('/no-such-route')).status).toBe(404);
    expect((await stack.api('/health', { method: 'DELETE' })).status).toBe(404);
  });

  it('exports metrics as Prometheus text on /metrics', async () => {
    const response = await fetch(`${stack.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('# HELP');
  });

  it('creates the database and every container the definition lists', async () => {
    const { resources } = await stack.host.services.database.containers.readAll().fetchAll();
    expect(resources.map((c) => c.id)).toEqual(expect.arrayContaining(['applications', 'timeline', 'leases', 'idempotency', 'strandedOutboxes']));
    const applications = resources.find((c) => c.id === 'applications');
    const definition = containers.find((c) => c.id === 'applications')!;
    expect(applications?.partitionKey?.paths).toEqual([...partitionKeyPaths(definition)]);
    expect(applications?.partitionKey).toMatchObject({ paths: ['/tenantId', '/applicationId'], kind: 'MultiHash', version: 2 });
  });
});

describe('local host with a dependency down', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // Nothing listens on port 9 (discard) on loopback: the Calendar API is unreachable.
    stack = await startTestStack({ settings: { GOOGLE_CALENDAR_ROOT_URL: 'http://127.0.0.1:9/' } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 503 and names the dependency that is down, while the others stay up', async () => {
    const response = await stack.api('/health');
    expect(response.status).toBe(503);
    const body = (await response.json()) as { status: string; dependencies: Array<{ name: string; status: string; error?: string }> };
    expect(body.status).toBe('down');
    const calendar = body.dependencies.find((d) => d.name === 'calendar');
    expect(calendar?.status).toBe('down');
    expect(calendar?.error).toBeTruthy();
    expect(body.dependencies.filter((d) => d.name !== 'calendar').every((d) => d.status === 'up')).toBe(true);
  });
});
