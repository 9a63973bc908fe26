import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCosmosClient } from '../../shared/platform/cosmos/cosmos-client.ts';
import { startHostProcess } from '../support/host-process.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'stageline-durability-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function clientFor(host: { cosmosEndpoint: string; cosmosCertificate: string }) {
  return createCosmosClient({
    endpoint: host.cosmosEndpoint,
    auth: { kind: 'key', key: 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==' },
    caCertificatePath: host.cosmosCertificate,
  });
}

describe('local host durability', () => {
  it('loses no acknowledged write when the host process is killed with SIGKILL', async () => {
    const first = await startHostProcess(dataDir);
    const client = clientFor(first);
    const container = client.database('stageline').container('applications');
    const acknowledged: string[] = [];
    // Writes run while the kill lands: only the ones the server acknowledged count.
    const writer = (async () => {
      for (let i = 0; i < 400; i++) {
        const id = `app-${i}`;
        try {
          await container.items.create({ id, applicationId: id, tenantId: 'acme', n: i });
          acknowledged.push(id);
        } catch {
          return;
        }
      }
    })();
    while (acknowledged.length < 50) await new Promise((r) => setTimeout(r, 5));
    await first.kill9();
    await writer;
    client.dispose();
    expect(acknowledged.length).toBeGreaterThanOrEqual(50);

    const second = await startHostProcess(dataDir);
    try {
      const again = clientFor(second).database('stageline').container('applications');
      const { resources } = await again.items.query<{ id: string; n: number }>('SELECT c.id, c.n FROM c').fetchAll();
      const stored = new Set(resources.map((r) => r.id));
      const missing = acknowledged.filter((id) => !stored.has(id));
      expect(missing).toEqual([]);
      const health = await fetch(`${second.baseUrl}/api/health`);
      expect(health.status).toBe(200);
    } finally {
      expect(await second.interrupt()).toBe(0);
    }
    expect(second.output()).toContain('Stopped; journals flushed.');
  });

  it('starts empty with --reset', async () => {
    const host = await startHostProcess(dataDir, ['--reset']);
    const client = clientFor(host);
    try {
      const { resources } = await client.database('stageline').container('applications').items.query('SELECT VALUE COUNT(1) FROM c').fetchAll();
      expect(resources).toEqual([0]);
    } finally {
      client.dispose();
      await host.interrupt();
    }
  });
});
