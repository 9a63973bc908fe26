import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../local/dev-issuer.ts';
import { createCosmosClient } from '../../shared/platform/cosmos/cosmos-client.ts';
import { CosmosApplicationRepository } from '../../shared/stages/adapters/cosmos-application-repository.adapter.ts';
import { CosmosTimelineStore } from '../../shared/timeline/adapters/cosmos-timeline-store.adapter.ts';
import type { TimelineEntry } from '../../shared/timeline/domain/timeline-entry.ts';
import { verifyApplicationTimeline } from '../../shared/timeline/use-cases/verify-timeline.ts';
import { startHostProcess, type HostProcess } from '../support/host-process.ts';
import { ensureLocalKeyRing } from '../../local/keys/local-keys.ts';
import { createKeyring } from '../../shared/platform/crypto/keyring.ts';
import { hmacSigner } from '../../shared/platform/crypto/hmac-chain-signer.ts';
import { chainSignerOf } from '../../shared/stages/use-cases/sign-chain.ts';
import { stageApi } from '../support/stage-api.ts';
import { until } from './support/until.ts';

const EMULATOR_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';
const WORKERS = 3;

/** A mutation the API acknowledged (2xx): its event must be on the timeline after the crash. */
interface Acknowledged {
  readonly applicationId: string;
  readonly kind: 'stage.created' | 'stage.transitioned';
  readonly stageId: string;
  readonly action?: string;
}

const dataDir = mkdtempSync(join(tmpdir(), 'stageline-outbox-kill-'));
let host: HostProcess | undefined;
afterAll(async () => {
  if (host && host.child.exitCode === null) await host.interrupt();
  rmSync(dataDir, { recursive: true, force: true });
});

async function tokens() {
  return {
    recruiterToken: await signDevToken(dataDir, { role: 'recruiter', tenant: 'acme', sub: 'rec-1' }),
    candidateToken: await signDevToken(dataDir, { role: 'candidate', tenant: 'acme', sub: 'cand-1' }),
  };
}

/** One worker's pipeline per application: create, stage, add an artifact, cancel; stops at the first failed call. */
async function mutate(baseUrl: string, worker: number, acknowledged: Acknowledged[], started: Set<string>): Promise<void> {
  const api = stageApi({ baseUrl, ...(await tokens()) });
  try {
    for (let n = 0; ; n += 1) {
      const applicationId = `kill-${worker}-${n}`;
      started.add(applicationId);
      await api.createApplication(applicationId, 'cand-1');
      const stageId = await api.createAssignment(applicationId);
      acknowledged.push({ applicationId, kind: 'stage.created', stageId });
      await api.act(applicationId, stageId, 'add_artifact', { artifact: { url: 'https://example.com/brief' } });
      acknowledged.push({ applicationId, kind: 'stage.transitioned', stageId, action: 'add_artifact' });
      await api.act(applicationId, stageId, 'cancel', { reason: 'Role filled' });
      acknowledged.push({ applicationId, kind: 'stage.transitioned', stageId, action: 'cancel' });
    }
  } catch {
    // The host was killed under this call.
  }
}

describe('outbox publishing survives kill -9 of the host', () => {
  it('loses no committed event, and every timeline verifies after the restart', { timeout: 300_000 }, async () => {
    host = await startHostProcess(dataDir);
    const acknowledged: Acknowledged[] = [];
    const started = new Set<string>();
    const workers = Array.from({ length: WORKERS }, (_, worker) => mutate(host!.baseUrl, worker, acknowledged, started));
    await until('mutations to be acknowledged', async () => (acknowledged.length >= 45 ? true : undefined), 120_000, 250);
    await host.kill9();
    await Promise.all(workers);

    host = await startHostProcess(dataDir);
    const client = createCosmosClient({ endpoint: host.cosmosEndpoint, auth: { kind: 'key', key: EMULATOR_KEY }, caCertificatePath: host.cosmosCertificate });
    try {
      const database = client.database('stageline');
      const applications = new CosmosApplicationRepository({ database });
      const timeline = new CosmosTimelineStore({ container: database.container('timeline') });
      const signingKeys = ensureLocalKeyRing(dataDir, 'timeline-signing');
      const signer = chainSignerOf(hmacSigner(createKeyring(JSON.parse(signingKeys.keys), signingKeys.currentKeyId)));

      // Every application that exists has its latest event on the timeline (change feed after restart, or the sweeper).
      const stored = await until(
        'every committed event to be published',
        async () => {
          const documents = await Promise.all([...started].map((id) => applications.get('acme', id)));
          const existing = documents.filter((document) => document !== undefined).map((document) => document.document);
          const published = await Promise.all(existing.map(async (document) => document.eventSeq === 0 || (await timeline.get('acme', document.id, document.eventSeq)) !== undefined));
          return published.every(Boolean) ? existing : undefined;
        },
        180_000,
        250,
      );
      expect(stored.length).toBeGreaterThanOrEqual(acknowledged.length / 3);

      const timelines = new Map<string, TimelineEntry[]>();
      for (const application of stored) {
        expect(await verifyApplicationTimeline({ timeline, signer }, application), application.id).toEqual({ valid: true, anchored: true, entries: application.eventSeq });
        const entries: TimelineEntry[] = [];
        for await (const entry of timeline.all('acme', application.id)) entries.push(entry);
        timelines.set(application.id, entries);
      }
      for (const ack of acknowledged) {
        const events = (timelines.get(ack.applicationId) ?? []).map((entry) => entry.event);
        expect(events.some((event) => event.kind === ack.kind && event.stageId === ack.stageId && event.action === ack.action), JSON.stringify(ack)).toBe(true);
      }

      // The API agrees.
      const { recruiterToken } = await tokens();
      for (const application of stored.slice(0, 5)) {
        const response = await fetch(`${host.baseUrl}/api/applications/${application.id}/timeline/verify`, { headers: { authorization: `Bearer ${recruiterToken}` } });
        expect(await response.json()).toEqual({ valid: true, anchored: true, entries: application.eventSeq });
      }
    } finally {
      client.dispose();
    }
  });
});
