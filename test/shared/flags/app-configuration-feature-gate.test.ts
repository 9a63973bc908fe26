import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppConfigurationFeatureGate } from '../../../shared/flags/adapters/app-configuration-feature-gate.adapter.ts';
import { DYNAMIC_STAGES_FLAG, type FlagState } from '../../../shared/flags/ports/feature-gate.port.ts';
import { startAppConfigurationFake, type AppConfigurationFake } from '../../../local/fakes/app-configuration-fake.ts';
import { staticTokenCredential } from '../../../local/fakes/app-configuration-credential.ts';
import { ManualTimers } from '../../support/manual-timers.ts';

const TOKEN = 'gate-test-token';
const INTERVAL_MS = 1000;
/** Long enough for a refused call and the client's one retry, so a failed start-up load can name its cause. */
const STARTUP_TIMEOUT_MS = 2000;
/** The provider holds a failed `load()` back until this long after it began (its crash-loop guard), by `Date.now()`. */
const PROVIDER_FAILURE_HOLD_MS = 5000;

let fake: AppConfigurationFake;
let gate: AppConfigurationFeatureGate | undefined;
/** The gate's refresh cadence: the waits between rounds are skipped, the rounds talk to the fake in real time. */
let timers: ManualTimers;
beforeEach(async () => {
  // The provider logs every failed load and refresh with console.warn; the outages here are on purpose.
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  timers = new ManualTimers();
  // The provider keeps its own minimum between refreshes, and its hold, by Date.now(): it reads the same clock.
  vi.spyOn(Date, 'now').mockImplementation(() => timers.now());
  fake = await startAppConfigurationFake({ token: TOKEN });
});
afterEach(async () => {
  await gate?.close();
  gate = undefined;
  await fake.stop();
  vi.restoreAllMocks();
});

function startGate(timeouts: { requestTimeoutMs?: number; startupTimeoutMs?: number } = {}): AppConfigurationFeatureGate {
  gate = new AppConfigurationFeatureGate({
    endpoint: fake.endpoint,
    credential: staticTokenCredential(TOKEN),
    refreshIntervalMs: INTERVAL_MS,
    caCertificate: fake.certificatePem,
    timers,
    ...timeouts,
  });
  return gate;
}

/**
 * Lets `ms` pass. While the gate waits for its next round the clock skips ahead, running a round
 * that falls due to its end; while it is busy with a start-up load, `ms` really pass.
 */
async function step(ms: number): Promise<void> {
  if (timers.pending > 0) await timers.advance(ms);
  else await sleep(ms);
}

/** Lets time pass until the flag reaches `status`; resolves with the state and how long it took. */
async function waitForStatus(target: AppConfigurationFeatureGate, status: FlagState['status'], withinMs: number, flag = DYNAMIC_STAGES_FLAG) {
  const started = timers.now();
  let state = await target.state(flag);
  while (state.status !== status) {
    if (timers.now() - started > withinMs) throw new Error(`still ${JSON.stringify(state)} after ${withinMs} ms, expected ${status}`);
    await step(50);
    state = await target.state(flag);
  }
  return { state, elapsedMs: timers.now() - started };
}

/** Samples the state while time passes and returns every status seen. */
async function statusesDuring(target: AppConfigurationFeatureGate, ms: number): Promise<Set<string>> {
  const seen = new Set<string>();
  const until = timers.now() + ms;
  while (timers.now() < until) {
    seen.add((await target.state(DYNAMIC_STAGES_FLAG)).status);
    await step(100);
  }
  return seen;
}

/** Skips the provider's hold of a failed start-up load: its 5 s since the load began pass at once. */
async function skipProviderFailureHold(): Promise<void> {
  await nextTurn(); // the provider has taken its start time
  await timers.advance(PROVIDER_FAILURE_HOLD_MS);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('App Configuration gate: loaded flags', () => {
  it('is unavailable until the first load, then on; health names the endpoint', async () => {
    fake.setFeatureFlag(DYNAMIC_STAGES_FLAG, true);
    const target = startGate();
    expect(await target.state(DYNAMIC_STAGES_FLAG)).toEqual({ status: 'unavailable', reason: 'App Configuration not loaded yet' });

    await waitForStatus(target, 'on', 5000);
    expect(target.source).toBe(fake.endpoint);
    expect(fake.calls[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('is off when the flag is disabled, and off for a flag the store does not hold', async () => {
    fake.setFeatureFlag(DYNAMIC_STAGES_FLAG, false);
    fake.setFeatureFlag('SOMETHING_ELSE', true);
    const target = startGate();
    await waitForStatus(target, 'off', 5000);
    expect(await target.state('NO_SUCH_FLAG')).toEqual({ status: 'off' });
    expect(await target.state('SOMETHING_ELSE')).toEqual({ status: 'on' });
  });

  it('follows a flip within about one refresh interval, with one conditional call per interval while quiet', async () => {
    fake.setFeatureFlag(DYNAMIC_STAGES_FLAG, true);
    const target = startGate();
    await waitForStatus(target, 'on', 5000);
    const callsBefore = fake.calls.length;
    await timers.advance(3 * INTERVAL_MS + 200);
    const quiet = fake.calls.slice(callsBefore);
    expect(quiet.length).toBeGreaterThanOrEqual(2);
    expect(quiet.length).toBeLessThanOrEqual(4);
    expect(quiet.every((c) => c.status === 304 && c.headers['if-none-match'] !== undefined)).toBe(true);

    fake.setFeatureFlag(DYNAMIC_STAGES_FLAG, false);
    const { elapsedMs } = await waitForStatus(target, 'off', 3 * INTERVAL_MS);
    expect(elapsedMs).toBeLessThan(2 * INTERVAL_MS + 500);
  });

  it('stops calling the server once closed', async () => {
    fake.setFeatureFlag(DYNAMIC_STAGES_FLAG, true);
    const target = startGate();
    await waitForStatus(target, 'on', 5000);
    await target.close();
    gate = undefined;
    const calls = fake.calls.length;
    expect(timers.pending).toBe(0);
    await timers.advance(2 * INTERVAL_MS + 200);
    expect(fake.calls.length).toBe(calls);
  });
});

describe('App Configuration gate: server outages', () => {
  it('is unavailable while the server is down at start, with the reason, and on once it comes up', async () => {
    fake.setFeatureFlag(DYNAMIC_STAGES_FLAG, true);
    await fake.goDown({ kind: 'refuse' });
    const target = startGate({ startupTimeoutMs: STARTUP_TIMEOUT_MS });

    const { state } = await waitForStatus(target, 'unavailable', 100);
    expect(state).toMatchObject({ status: 'unavailable' });
    // The provider gives up its start-up load after its timeout and the gate reports why.
    await skipProviderFailureHold();
    const started = timers.now();
    while (!JSON.stringify(await target.state(DYNAMIC_STAGES_FLAG)).includes('ECONNREFUSED') && timers.now() - started < 9000) await step(100);
    expect(await target.state(DYNAMIC_STAGES_FLAG)).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('ECONNREFUSED') });

    await fake.comeBack();
    await waitForStatus(target, 'on', 8000);
  }, 30_000);

  it('is unavailable within about one refresh interval after the server goes down, and on again when it returns', async () => {
    fake.setFeatureFlag(DYNAMIC_STAGES_FLAG, true);
    const target = startGate();
    await waitForStatus(target, 'on', 5000);

    await fake.goDown({ kind: 'refuse' });
    const down = await waitForStatus(target, 'unavailable', 5000);
    expect(down.elapsedMs).toBeLessThan(INTERVAL_MS + 2000);
    expect(down.state).toMatchObject({ reason: expect.stringContaining('ECONNREFUSED') });
    expect(await statusesDuring(target, 2 * INTERVAL_MS)).toEqual(new Set(['unavailable']));

    await fake.comeBack();
    const up = await waitForStatus(target, 'on', 5000);
    expect(up.elapsedMs).toBeLessThan(2 * INTERVAL_MS + 1000);
  }, 30_000);

  it('treats 503 answers and a server that never answers as unavailable', async () => {
    fake.setFeatureFlag(DYNAMIC_STAGES_FLAG, true);
    const target = startGate({ requestTimeoutMs: 800 });
    await waitForStatus(target, 'on', 5000);

    await fake.goDown({ kind: 'status', status: 503 });
    const unavailable = await waitForStatus(target, 'unavailable', 5000);
    expect(unavailable.state).toMatchObject({ reason: expect.stringContaining('HTTP 503') });
    await fake.comeBack();
    await waitForStatus(target, 'on', 5000);

    await fake.goDown({ kind: 'hang' });
    const hung = await waitForStatus(target, 'unavailable', 5000);
    expect(hung.elapsedMs).toBeLessThan(INTERVAL_MS + 2 * 800 + 1000);
    await fake.comeBack();
    await waitForStatus(target, 'on', 5000);
  }, 30_000);
});

describe('App Configuration gate: malformed flags', () => {
  it('is unavailable, not on, while the flag value is not JSON, and stays so until it is fixed', async () => {
    fake.setFeatureFlag(DYNAMIC_STAGES_FLAG, true);
    const target = startGate();
    await waitForStatus(target, 'on', 5000);

    fake.setFeatureFlagValue(DYNAMIC_STAGES_FLAG, '{"id":"FEATURE_DYNAMIC_STAGES","enabled":tru');
    const malformed = await waitForStatus(target, 'unavailable', 3 * INTERVAL_MS);
    expect(malformed.state).toMatchObject({ reason: expect.stringContaining('could not be loaded') });
    // The provider keeps the last good flags (on) and stops seeing a change: the gate must not.
    expect(await statusesDuring(target, 3 * INTERVAL_MS)).toEqual(new Set(['unavailable']));

    fake.setFeatureFlag(DYNAMIC_STAGES_FLAG, true);
    await waitForStatus(target, 'on', 3 * INTERVAL_MS);
  }, 30_000);

  it('is unavailable when the value is JSON that breaks the feature-flag schema', async () => {
    fake.setFeatureFlag(DYNAMIC_STAGES_FLAG, true);
    const target = startGate();
    await waitForStatus(target, 'on', 5000);

    fake.setFeatureFlagValue(DYNAMIC_STAGES_FLAG, '{"id":"FEATURE_DYNAMIC_STAGES","enabled":"yes"}');
    const { state } = await waitForStatus(target, 'unavailable', 3 * INTERVAL_MS);
    expect(state).toMatchObject({ reason: expect.stringContaining("'enabled' must be a boolean") });
  });

  it('is unavailable when the value is malformed at start', async () => {
    fake.setFeatureFlagValue(DYNAMIC_STAGES_FLAG, 'not json');
    // Nothing to retry here: the malformed answer arrives at once, so the load may give up sooner.
    const target = startGate({ startupTimeoutMs: 500 });
    await skipProviderFailureHold();
    // Every status from the start until the start-up load has given up on the malformed flag.
    const seen = new Set<string>();
    let state = await target.state(DYNAMIC_STAGES_FLAG);
    const started = timers.now();
    while (!(state.status === 'unavailable' && state.reason.startsWith('App Configuration not loaded:')) && timers.now() - started < 9000) {
      seen.add(state.status);
      await step(100);
      state = await target.state(DYNAMIC_STAGES_FLAG);
    }
    seen.add(state.status);
    expect(seen).toEqual(new Set(['unavailable']));
    expect(state).toMatchObject({ reason: expect.stringContaining('not loaded: The load operation failed') });
  });
});

describe('App Configuration gate: flips under concurrent reads', () => {
  it('never throws, answers a valid state every time, and ends in the last value', async () => {
    fake.setFeatureFlag(DYNAMIC_STAGES_FLAG, true);
    const target = startGate();
    await waitForStatus(target, 'on', 5000);

    const answers: FlagState[] = [];
    let reading = true;
    const readers = Array.from({ length: 8 }, async () => {
      while (reading) {
        answers.push(await target.state(DYNAMIC_STAGES_FLAG));
        await nextTurn();
      }
    });
    let enabled = true;
    for (let flip = 0; flip < 9; flip += 1) {
      enabled = !enabled;
      fake.setFeatureFlag(DYNAMIC_STAGES_FLAG, enabled);
      await timers.advance(370);
      await sleep(10); // the readers read between rounds too
    }
    expect(enabled).toBe(false);
    await waitForStatus(target, 'off', 3 * INTERVAL_MS);
    await sleep(20); // the readers read the settled state too
    reading = false;
    await Promise.all(readers);

    expect(answers.length).toBeGreaterThan(100);
    const valid = (s: FlagState) => s.status === 'on' || s.status === 'off' || (s.status === 'unavailable' && typeof s.reason === 'string');
    expect(answers.filter((s) => !valid(s))).toEqual([]);
    expect(new Set(answers.map((s) => s.status))).toEqual(new Set(['on', 'off']));
    expect(answers.at(-1)).toEqual({ status: 'off' });
  }, 30_000);
});
