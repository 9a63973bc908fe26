import { renameSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

const TENANT = 'tenant-flags';
const FLAG = 'FEATURE_DYNAMIC_STAGES';

let stack: TestStack;
let recruiter: string;
let applicationId: string;
let legacyApplicationId: string;

type FlagFile = 'on' | 'off' | 'malformed';

/** Saves the local flags file the way an editor does: a temporary file renamed over it. */
function writeFlagsFile(state: FlagFile): void {
  const text = state === 'malformed'
    ? '{ "feature_management": { "feature_flags": [ { "id": "FEATURE_DYNAMIC_STAGES", "enabled": tr'
    : JSON.stringify({ feature_management: { feature_flags: [{ id: FLAG, enabled: state === 'on', conditions: { client_filters: [] } }] } });
  writeFileSync(`${stack.host.flagsFile}.tmp`, text);
  renameSync(`${stack.host.flagsFile}.tmp`, stack.host.flagsFile);
}

interface FlagsHealth {
  readonly status: string;
  readonly details?: Record<string, unknown>;
  readonly error?: string;
}

async function flagsHealth(): Promise<FlagsHealth> {
  const body = (await (await stack.api('/health')).json()) as { dependencies: (FlagsHealth & { name: string })[] };
  return body.dependencies.find((d) => d.name === 'flags')!;
}

/** Flips the file and waits (≤ 4 s with a 1 s refresh) until health reports the new state. */
async function setFlag(state: FlagFile): Promise<FlagsHealth> {
  writeFlagsFile(state);
  const deadline = Date.now() + 4000;
  for (;;) {
    const health = await flagsHealth();
    const reached = state === 'malformed' ? health.status === 'down' : health.details?.[FLAG] === state;
    if (reached) return health;
    if (Date.now() > deadline) throw new Error(`flags health still ${JSON.stringify(health)} after the file was set ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function storedApplication(id: string): Promise<{ stages: unknown[]; outbox?: unknown[]; _etag: string }> {
  const { resource } = await stack.host.services.database.container('applications').item(id, [TENANT, id]).read();
  return resource;
}

function createAssignment(title: string, onApplication = applicationId) {
  return stack.api(`/applications/${onApplication}/stages`, {
    token: recruiter,
    json: { type: 'assignment', title, data: { instructions: 'Build a small feature.' } },
  });
}

beforeAll(async () => {
  stack = await startTestStack({ settings: { FEATURE_FLAGS_REFRESH_SECONDS: '1' } });
  recruiter = await stack.token('recruiter', TENANT, 'recruiter-1');
  await setFlag('on');
  const created = await stack.api('/applications', { token: recruiter, json: { jobId: 'job-1', candidateId: 'candidate-1' } });
  expect(created.status).toBe(201);
  applicationId = ((await created.json()) as { applicationId: string }).applicationId;
  const imported = await stack.api('/applications', { token: recruiter, json: { jobId: 'job-1', candidateId: 'candidate-2', legacyStatus: 'interview_scheduled' } });
  expect(imported.status).toBe(201);
  legacyApplicationId = ((await imported.json()) as { applicationId: string }).applicationId;
});
afterAll(async () => {
  await stack?.stop();
});

describe('FEATURE_DYNAMIC_STAGES through the local host (flags file, 1 s refresh)', () => {
  it('on: a stage mutation is stored; reads use stored stages; health shows the file and on', async () => {
    const health = await setFlag('on');
    expect(health).toMatchObject({ status: 'up', details: { source: `file:${stack.host.flagsFile}`, [FLAG]: 'on' } });

    const res = await createAssignment('Take-home');
    expect(res.status).toBe(201);
    const stageId = ((await res.json()) as { stage: { id: string } }).stage.id;

    const stored = await storedApplication(applicationId);
    expect(stored.stages).toEqual([expect.objectContaining({ id: stageId, type: 'assignment', title: 'Take-home' })]);
    const read = (await (await stack.api(`/applications/${applicationId}`, { token: recruiter })).json()) as { model: string; stages: { id: string }[] };
    expect(read.model).toBe('stages');
    expect(read.stages.map((s) => s.id)).toEqual([stageId]);
  });

  it('off: a stage mutation gets 403 FEATURE.DISABLED and nothing is stored; reads answer with the legacy model', async () => {
    const health = await setFlag('off');
    expect(health).toMatchObject({ status: 'up', details: { source: `file:${stack.host.flagsFile}`, [FLAG]: 'off' } });
    const before = await storedApplication(applicationId);

    const res = await createAssignment('Refused while off');
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'FEATURE.DISABLED' });

    const after = await storedApplication(applicationId);
    expect(after._etag).toBe(before._etag);
    expect(after.stages).toEqual(before.stages);
    for (const id of [applicationId, legacyApplicationId]) {
      const read = await stack.api(`/applications/${id}`, { token: recruiter });
      expect(read.status).toBe(200);
      expect(((await read.json()) as { model: string }).model).toBe('legacy');
    }
    // Importing a legacy application is allowed while the flag is off.
    const imported = await stack.api('/applications', { token: recruiter, json: { jobId: 'job-1', candidateId: 'candidate-3', legacyStatus: 'applied' } });
    expect(imported.status).toBe(201);
  });

  it('malformed file: a stage mutation gets 503 FEATURE.UNAVAILABLE with retry, nothing is stored; reads still answer', async () => {
    const health = await setFlag('malformed');
    expect(health.status).toBe('down');
    expect(health.error).toContain(stack.host.flagsFile);
    const before = await storedApplication(applicationId);

    const res = await createAssignment('Refused while unavailable');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toMatchObject({ code: 'FEATURE.UNAVAILABLE', retry: { after: 5 } });

    const after = await storedApplication(applicationId);
    expect(after._etag).toBe(before._etag);
    const read = await stack.api(`/applications/${applicationId}`, { token: recruiter });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { model: string }).model).toBe('legacy');
  });

  it('back on: mutations work again and reads return the stored stages', async () => {
    await setFlag('on');
    const res = await createAssignment('After the flag returned');
    expect(res.status).toBe(201);
    const stored = await storedApplication(applicationId);
    expect(stored.stages).toHaveLength(2);
    const read = (await (await stack.api(`/applications/${applicationId}`, { token: recruiter })).json()) as { model: string; stages: unknown[] };
    expect(read.model).toBe('stages');
    expect(read.stages).toHaveLength(2);
  });

  it('flipped on, off and malformed while requests run: each answer is 201, 403 or 503, and only the 201s are stored', async () => {
    await setFlag('on');
    // Each client on its own applications, made up front (the flag will be off at times), a new one every 40 stages: an application holds at most 50.
    const applications: string[] = [];
    for (let i = 0; i < 3 * 6; i += 1) {
      const created = await stack.api('/applications', { token: recruiter, json: { jobId: 'job-1', candidateId: 'candidate-1' } });
      expect(created.status).toBe(201);
      applications.push(((await created.json()) as { applicationId: string }).applicationId);
    }
    const statuses: number[] = [];
    let running = true;
    const clients = Array.from({ length: 3 }, async (_, client) => {
      let target = applications[client * 6]!;
      for (let n = 0; running; n += 1) {
        if (n > 0 && n % 40 === 0) target = applications[client * 6 + n / 40]!;
        const res = await createAssignment(`Concurrent ${client}-${n}`, target);
        statuses.push(res.status);
        await res.arrayBuffer();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    for (const state of ['off', 'malformed', 'on', 'off'] as const) {
      writeFlagsFile(state);
      await new Promise((resolve) => setTimeout(resolve, 1300));
    }
    running = false;
    await Promise.all(clients);

    expect(statuses.filter((s) => ![201, 403, 503].includes(s))).toEqual([]);
    expect(new Set(statuses)).toEqual(new Set([201, 403, 503]));
    const created = statuses.filter((s) => s === 201).length;
    let stored = 0;
    for (const id of applications) stored += (await storedApplication(id)).stages.length;
    expect(stored).toBe(created);
  }, 60_000);
});
