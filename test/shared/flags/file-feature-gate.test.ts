import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileFeatureGate } from '../../../shared/flags/adapters/file-feature-gate.adapter.ts';
import { DYNAMIC_STAGES_FLAG, type FlagState } from '../../../shared/flags/ports/feature-gate.port.ts';
import { ManualTimers } from '../../support/manual-timers.ts';

const INTERVAL_MS = 200;

let dir: string;
let path: string;
let gate: FileFeatureGate | undefined;
/** The gate's re-read cadence: the waits between re-reads are skipped, the reads are real. */
let timers: ManualTimers;
beforeEach(() => {
  timers = new ManualTimers();
  dir = mkdtempSync(join(tmpdir(), 'stageline-flags-'));
  path = join(dir, 'flags.json');
});
afterEach(async () => {
  await gate?.close();
  gate = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function flagsDocument(flags: unknown[]): string {
  return JSON.stringify({ feature_management: { feature_flags: flags } });
}

function flag(enabled: boolean, id = DYNAMIC_STAGES_FLAG) {
  return { id, enabled, conditions: { client_filters: [] } };
}

/** Writes the file the way an editor saves: a temporary file renamed over the old one. */
function writeFlags(text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

function startGate(): FileFeatureGate {
  gate = new FileFeatureGate({ path, refreshIntervalMs: INTERVAL_MS, timers });
  return gate;
}

/** Lets time pass in 20 ms steps (running each re-read that falls due) until the flag reaches `status`. */
async function waitForStatus(target: FileFeatureGate, status: FlagState['status'], withinMs: number): Promise<FlagState> {
  const started = timers.now();
  let state = await target.state(DYNAMIC_STAGES_FLAG);
  while (state.status !== status) {
    if (timers.now() - started > withinMs) throw new Error(`still ${JSON.stringify(state)} after ${withinMs} ms, expected ${status}`);
    await timers.advance(20);
    state = await target.state(DYNAMIC_STAGES_FLAG);
  }
  return state;
}

describe('file gate: reading the flags file', () => {
  it('is on when the flag is enabled, with the file as its source', async () => {
    writeFlags(flagsDocument([flag(true)]));
    const target = startGate();
    expect(await target.state(DYNAMIC_STAGES_FLAG)).toEqual({ status: 'on' });
    expect(target.source).toBe(`file:${path}`);
  });

  it('is off when the flag is disabled, and off for a flag the file does not hold', async () => {
    writeFlags(flagsDocument([flag(false), flag(true, 'OTHER')]));
    const target = startGate();
    expect(await target.state(DYNAMIC_STAGES_FLAG)).toEqual({ status: 'off' });
    expect(await target.state('NO_SUCH_FLAG')).toEqual({ status: 'off' });
    expect(await target.state('OTHER')).toEqual({ status: 'on' });
  });

  it('is unavailable while the file is missing, and on once it appears', async () => {
    const target = startGate();
    expect(await target.state(DYNAMIC_STAGES_FLAG)).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('ENOENT') });
    writeFlags(flagsDocument([flag(true)]));
    await waitForStatus(target, 'on', 3 * INTERVAL_MS);
  });

  it.each([
    ['malformed JSON', '{"feature_management": {"feature_flags": [', 'malformed JSON'],
    ['a document without feature_management', JSON.stringify({ FeatureManagement: { FEATURE_DYNAMIC_STAGES: true } }), 'feature_management.feature_flags'],
    ['feature_flags that is not a list', JSON.stringify({ feature_management: { feature_flags: { FEATURE_DYNAMIC_STAGES: true } } }), 'feature_management.feature_flags'],
    ['an enabled value that is not a boolean', flagsDocument([{ id: DYNAMIC_STAGES_FLAG, enabled: 'yes' }]), "'enabled' must be a boolean"],
    ['a flag without an id', flagsDocument([{ enabled: true }, flag(false, 'OTHER')]), "'id' must be a string"],
    ['client_filters that is not a list', flagsDocument([{ id: DYNAMIC_STAGES_FLAG, enabled: true, conditions: { client_filters: 'none' } }]), "'client_filters' must be an array"],
  ])('is unavailable, not on, for %s', async (_name, text, reason) => {
    writeFlags(text);
    const target = startGate();
    expect(await target.state(DYNAMIC_STAGES_FLAG)).toEqual({ status: 'unavailable', reason: expect.stringContaining(reason) });
  });
});

describe('file gate: edits without restart', () => {
  it('applies each edit within the refresh interval: off, malformed, on', async () => {
    writeFlags(flagsDocument([flag(true)]));
    const target = startGate();
    expect(await target.state(DYNAMIC_STAGES_FLAG)).toEqual({ status: 'on' });

    writeFlags(flagsDocument([flag(false)]));
    await waitForStatus(target, 'off', 2 * INTERVAL_MS + 100);

    writeFlags('{ not json');
    await waitForStatus(target, 'unavailable', 2 * INTERVAL_MS + 100);

    writeFlags(flagsDocument([flag(true)]));
    await waitForStatus(target, 'on', 2 * INTERVAL_MS + 100);
  });

  it('sees an in-place rewrite of the same size', async () => {
    writeFileSync(path, flagsDocument([flag(true)]).replace('true', 'true '));
    const target = startGate();
    expect(await target.state(DYNAMIC_STAGES_FLAG)).toEqual({ status: 'on' });
    writeFileSync(path, flagsDocument([flag(false)]));
    await waitForStatus(target, 'off', 2 * INTERVAL_MS + 100);
  });

  it('stops re-reading once closed', async () => {
    writeFlags(flagsDocument([flag(true)]));
    const target = startGate();
    await target.close();
    gate = undefined;
    writeFlags(flagsDocument([flag(false)]));
    expect(timers.pending).toBe(0);
    await timers.advance(2 * INTERVAL_MS);
    expect(await target.state(DYNAMIC_STAGES_FLAG)).toEqual({ status: 'on' });
  });
});
