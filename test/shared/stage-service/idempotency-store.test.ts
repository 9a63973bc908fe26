import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../../shared/platform/errors.ts';
import { IDEMPOTENCY_LEASE_SECONDS, idempotencyRecordKey, requestFingerprint, runIdempotent } from '../../../shared/platform/idempotency/idempotency.ts';
import { startStageServiceWorld, type StageServiceWorld } from '../../support/stage-service-fixtures.ts';
import { waitFor } from '../../local/cosmos-support/cosmos-fixtures.ts';

const T0 = '2030-01-01T00:00:00.000Z';
const later = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

describe('idempotency on the embedded Cosmos DB server', () => {
  let world: StageServiceWorld;
  beforeAll(async () => {
    world = await startStageServiceWorld();
  });
  afterAll(() => world.stop());

  const stored = async (key: string) => (await world.cosmos.container('idempotency').item(key, key).read()).resource;

  it('runs once, pins the response with a 24 h TTL, and replays it', async () => {
    let runs = 0;
    const request = { tenantId: 'acme', subject: 'rec-1', role: 'recruiter', key: 'k-1', fingerprint: 'f-1', now: T0 };
    const first = await runIdempotent(world.idempotency, request, async () => ({ status: 201, body: { n: (runs += 1) } }));
    const second = await runIdempotent(world.idempotency, request, async () => ({ status: 201, body: { n: (runs += 1) } }));
    expect(first).toEqual({ response: { status: 201, body: { n: 1 } }, replayed: false });
    expect(second).toEqual({ response: { status: 201, body: { n: 1 } }, replayed: true });
    expect(runs).toBe(1);
    expect(await stored(idempotencyRecordKey('acme', 'rec-1', 'recruiter', 'k-1'))).toMatchObject({ state: 'completed', fingerprint: 'f-1', ttl: 86_400, response: { body: { n: 1 } } });
  });

  it('scopes keys to tenant and subject, refuses reuse with another request, and reports one in progress', async () => {
    const base = { tenantId: 'acme', subject: 'rec-1', role: 'recruiter', key: 'k-2', fingerprint: 'f-2', now: T0 };
    await runIdempotent(world.idempotency, base, async () => 'first');
    expect(await runIdempotent(world.idempotency, { ...base, subject: 'rec-2' }, async () => 'other subject')).toEqual({ response: 'other subject', replayed: false });
    expect(await runIdempotent(world.idempotency, { ...base, tenantId: 'globex' }, async () => 'other tenant')).toEqual({ response: 'other tenant', replayed: false });
    await expect(runIdempotent(world.idempotency, { ...base, fingerprint: 'f-other' }, async () => 'x')).rejects.toMatchObject({ code: 'IDEMPOTENCY.KEY_REUSED' });

    const slow = { ...base, key: 'k-3' };
    let release: () => void = () => undefined;
    const running = runIdempotent(world.idempotency, slow, () => new Promise<string>((resolve) => (release = () => resolve('done'))));
    await waitFor(async () => (await stored(idempotencyRecordKey('acme', 'rec-1', 'recruiter', 'k-3')))?.['state'] === 'pending', 'the pending record');
    await expect(runIdempotent(world.idempotency, slow, async () => 'again')).rejects.toMatchObject({ code: 'IDEMPOTENCY.IN_PROGRESS', retry: { after: 1 } });
    release();
    expect(await running).toEqual({ response: 'done', replayed: false });
  });

  it('releases the key when the request fails, so a retry runs', async () => {
    const request = { tenantId: 'acme', subject: 'rec-1', role: 'recruiter', key: 'k-4', fingerprint: 'f-4', now: T0 };
    await expect(runIdempotent(world.idempotency, request, async () => { throw new DomainError('STAGE.TRANSITION_NOT_ALLOWED'); })).rejects.toBeInstanceOf(DomainError);
    expect(await stored(idempotencyRecordKey('acme', 'rec-1', 'recruiter', 'k-4'))).toBeUndefined();
    expect(await runIdempotent(world.idempotency, { ...request, fingerprint: 'f-4b' }, async () => 'retried')).toEqual({ response: 'retried', replayed: false });
  });

  it('lets a new request take over a lease abandoned by a crashed one', async () => {
    const key = idempotencyRecordKey('acme', 'rec-1', 'recruiter', 'k-5');
    const first = await world.idempotency.begin(key, 'f-5', T0);
    expect(first.kind).toBe('started');
    expect(await world.idempotency.begin(key, 'f-5', later(IDEMPOTENCY_LEASE_SECONDS - 1))).toEqual({ kind: 'in_progress' });
    const taken = await world.idempotency.begin(key, 'f-5', later(IDEMPOTENCY_LEASE_SECONDS + 1));
    expect(taken.kind).toBe('started');
    if (first.kind === 'started') await world.idempotency.complete(key, first.lease, 'from the crashed one');
    expect(await stored(key)).toMatchObject({ state: 'pending' });
    if (taken.kind === 'started') await world.idempotency.complete(key, taken.lease, 'from the new owner');
    expect(await world.idempotency.begin(key, 'f-5', later(IDEMPOTENCY_LEASE_SECONDS + 2))).toEqual({ kind: 'replay', response: 'from the new owner' });
  });

  it('fingerprints JSON bodies by value and includes method and path', () => {
    expect(requestFingerprint('POST', '/api/a', '{"a":1,"b":[1,{"c":2,"d":3}]}')).toBe(requestFingerprint('post', '/api/a', '{ "b": [1, {"d":3,"c":2}], "a": 1 }'));
    expect(requestFingerprint('POST', '/api/a', '{"a":1}')).not.toBe(requestFingerprint('POST', '/api/b', '{"a":1}'));
    expect(requestFingerprint('POST', '/api/a', '{"a":1}')).not.toBe(requestFingerprint('POST', '/api/a', '{"a":2}'));
    expect(requestFingerprint('POST', '/api/a', 'not json')).not.toBe(requestFingerprint('POST', '/api/a', 'not  json'));
  });
});
