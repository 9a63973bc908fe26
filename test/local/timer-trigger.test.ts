import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InvocationContext } from '@azure/functions';
import type { BindingInfo, FunctionHandler, RegisteredFunction, RetryOptions } from '../../local/host/function-registry.ts';
import { startTimerTrigger, type TimerInput, type TimerTriggerHandle } from '../../local/host/timer-trigger.ts';
import { timerStatusPath } from '../../local/host/timer-status-store.ts';
import { TimerScheduleError } from '../../local/host/timer-schedule.ts';

interface Call {
  readonly timer: TimerInput;
  readonly context: InvocationContext;
}

function timerFunction(name: string, handler: FunctionHandler, trigger: Record<string, unknown>, retryOptions?: RetryOptions): RegisteredFunction {
  const binding: BindingInfo = { type: 'timerTrigger', name: `timerTrigger_${name}`, direction: 'in', ...trigger };
  return { name, trigger: binding, bindings: { [binding.name]: binding }, handler, ...(retryOptions ? { retryOptions } : {}) };
}

/** A handler recording each call; `behaviour` decides what each call does (by call index). */
function recording(calls: Call[], behaviour: (index: number) => unknown = () => undefined): FunctionHandler {
  return async (input, context) => {
    calls.push({ timer: input as TimerInput, context });
    return behaviour(calls.length - 1);
  };
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let statusDir: string;
let logs: string[];
const handles: TimerTriggerHandle[] = [];
const log = (line: string) => void logs.push(line);

beforeEach(async () => {
  statusDir = await mkdtemp(join(tmpdir(), 'stageline-timer-'));
  logs = [];
});
afterEach(async () => {
  await Promise.all(handles.splice(0).map((handle) => handle.close()));
  await rm(statusDir, { recursive: true, force: true });
});

async function start(fn: RegisteredFunction, extra: { now?: () => Date; settings?: Record<string, string> } = {}): Promise<TimerTriggerHandle> {
  const handle = await startTimerTrigger({ fn, statusDir, log, ...extra });
  handles.push(handle);
  return handle;
}

describe('timer trigger: firing', () => {
  it('fires on its schedule with the timer object and a context without trigger metadata', async () => {
    const calls: Call[] = [];
    const handle = await start(timerFunction('everySecond', recording(calls), { schedule: '* * * * * *' }));
    expect(handle.useMonitor).toBe(false);
    await until(() => calls.length >= 2);
    const [first] = calls;
    expect(first!.timer).toEqual({ schedule: { adjustForDST: true }, scheduleStatus: null, isPastDue: false });
    expect(first!.context.functionName).toBe('everySecond');
    expect(first!.context.triggerMetadata).toBeUndefined();
    expect(first!.context.invocationId).not.toBe(calls[1]!.context.invocationId);
  });

  it('resolves a %Setting% schedule', async () => {
    const calls: Call[] = [];
    const handle = await start(timerFunction('fromSetting', recording(calls), { schedule: '%TickSchedule%' }), { settings: { TickSchedule: '*/1 * * * * *' } });
    expect(handle.schedule.expression).toBe('*/1 * * * * *');
    await until(() => calls.length >= 1);
  });

  it('refuses to start with an invalid schedule, naming the function', async () => {
    const fn = timerFunction('broken', recording([]), { schedule: '0 0 0 * * 7' });
    await expect(startTimerTrigger({ fn, statusDir, log })).rejects.toThrow(TimerScheduleError);
    await expect(startTimerTrigger({ fn, statusDir, log })).rejects.toThrow(/Function 'broken'.*day-of-week 7/);
  });

  it('never overlaps itself: a run in progress holds back the next occurrence', async () => {
    let active = 0;
    let maxActive = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    await start(
      timerFunction('slow', async () => {
        calls += 1;
        active += 1;
        maxActive = Math.max(maxActive, active);
        if (calls === 1) await gate;
        active -= 1;
      }, { schedule: '* * * * * *' }),
    );
    await until(() => calls === 1);
    await pause(2500);
    expect(calls).toBe(1);
    release();
    await until(() => calls >= 3);
    expect(maxActive).toBe(1);
  });

  it('runs once at start with runOnStartup, not past due', async () => {
    const calls: Call[] = [];
    await start(timerFunction('startup', recording(calls), { schedule: '0 0 0 1 1 *', runOnStartup: true }));
    await until(() => calls.length === 1);
    expect(calls[0]!.timer.isPastDue).toBe(false);
    await pause(200);
    expect(calls).toHaveLength(1);
  });

  it('close() waits for the running handler', async () => {
    let finished = false;
    const handle = await start(
      timerFunction('closing', async () => {
        await pause(300);
        finished = true;
      }, { schedule: '0 0 0 1 1 *', runOnStartup: true }),
    );
    await pause(50);
    await handle.close();
    expect(finished).toBe(true);
  });
});

describe('timer trigger: schedule monitor across restarts', () => {
  it('runs a missed occurrence once at start with isPastDue and keeps the status file', async () => {
    let clock = new Date('2024-01-01T00:01:00Z');
    const now = () => clock;
    const calls: Call[] = [];
    const fn = timerFunction('nightlyDigest', recording(calls), { schedule: '0 */5 * * * *' });
    const path = timerStatusPath(statusDir, 'nightlyDigest');

    const first = await start(fn, { now });
    expect(first.useMonitor).toBe(true);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ last: '0001-01-01T00:00:00.000Z', next: '2024-01-01T00:05:00.000Z', lastUpdated: '2024-01-01T00:01:00.000Z' });
    await first.close();
    expect(calls).toHaveLength(0);

    clock = new Date('2024-01-01T00:12:00Z');
    await start(fn, { now });
    await until(() => calls.length === 1);
    expect(calls[0]!.timer).toEqual({
      schedule: { adjustForDST: true },
      scheduleStatus: { last: '0001-01-01T00:00:00.000Z', next: '2024-01-01T00:05:00.000Z', lastUpdated: '2024-01-01T00:01:00.000Z' },
      isPastDue: true,
    });
    await until(() => logs.some((line) => line.includes('Succeeded, Reason=pastDue')));
    await handles.pop()!.close();
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ last: '2024-01-01T00:12:00.000Z', next: '2024-01-01T00:15:00.000Z', lastUpdated: '2024-01-01T00:12:00.000Z' });

    clock = new Date('2024-01-01T00:13:00Z');
    await start(fn, { now });
    await pause(200);
    expect(calls).toHaveLength(1);
  });

  it('treats a changed schedule as not past due and records the new next occurrence', async () => {
    const path = timerStatusPath(statusDir, 'reschedule');
    await writeFile(path, JSON.stringify({ last: '2024-01-01T00:00:00.000Z', next: '2024-01-01T01:00:00.000Z', lastUpdated: '2024-01-01T00:00:00.000Z' }));
    const calls: Call[] = [];
    await start(timerFunction('reschedule', recording(calls), { schedule: '0 30 * * * *' }), { now: () => new Date('2024-01-01T00:10:00Z') });
    await pause(200);
    expect(calls).toHaveLength(0);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ next: '2024-01-01T00:30:00.000Z' });
  });

  it('keeps no status when useMonitor is false', async () => {
    const calls: Call[] = [];
    const handle = await start(timerFunction('unmonitored', recording(calls), { schedule: '0 0 * * * *', useMonitor: false, runOnStartup: true }));
    expect(handle.useMonitor).toBe(false);
    await until(() => calls.length === 1);
    expect(calls[0]!.timer.scheduleStatus).toBeNull();
    await expect(readFile(timerStatusPath(statusDir, 'unmonitored'), 'utf8')).rejects.toThrow(/ENOENT/);
  });
});

describe('timer trigger: failures and retry policies', () => {
  const failing = (calls: Call[], failures: number) => recording(calls, (index) => {
    if (index < failures) throw new Error(`attempt ${index} failed`);
  });

  it('does not retry a failed run without a retry policy', async () => {
    const calls: Call[] = [];
    const handle = await start(timerFunction('noPolicy', failing(calls, 5), { schedule: '0 0 0 1 1 *' }));
    await handle.runNow();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.context.retryContext).toBeUndefined();
    expect(logs.join('\n')).toMatch(/Failed, Reason=manual, Id=[0-9a-f-]{36}\): Error: attempt 0 failed/);
  });

  it('retries with a fixed delay up to maxRetryCount, with a retry context on each invocation', async () => {
    const calls: Call[] = [];
    const retry: RetryOptions = { strategy: 'fixedDelay', maxRetryCount: 2, delayInterval: { seconds: 0, nanos: 50_000_000 } };
    const handle = await start(timerFunction('fixedRetry', failing(calls, 10), { schedule: '0 0 0 1 1 *' }, retry));
    await handle.runNow();
    expect(calls.map((call) => call.context.retryContext?.retryCount)).toEqual([0, 1, 2]);
    expect(calls.every((call) => call.context.retryContext?.maxRetryCount === 2)).toBe(true);
    expect(calls[1]!.context.retryContext?.exception?.message).toBe('attempt 0 failed');
    expect(new Set(calls.map((call) => call.context.invocationId)).size).toBe(3);
    expect(logs.filter((line) => /retry \d of 2 in 50ms \(fixedDelay\)/.test(line))).toHaveLength(2);
  });

  it('retries forever (-1) with exponential backoff until the run succeeds', async () => {
    const calls: Call[] = [];
    const retry: RetryOptions = { strategy: 'exponentialBackoff', maxRetryCount: -1, minimumInterval: 10, maximumInterval: 40 };
    const handle = await start(timerFunction('backoff', failing(calls, 4), { schedule: '0 0 0 1 1 *' }, retry));
    await handle.runNow();
    expect(calls).toHaveLength(5);
    expect(logs.filter((line) => line.includes('retry ')).map((line) => /in (\d+)ms/.exec(line)?.[1])).toEqual(['10', '20', '40', '40']);
    expect(logs.some((line) => line.includes('Succeeded, Reason=manual'))).toBe(true);
  });

  it('applies the retry policy to scheduled runs too', async () => {
    const calls: Call[] = [];
    const retry: RetryOptions = { strategy: 'fixedDelay', maxRetryCount: 1, delayInterval: 20 };
    await start(timerFunction('startupRetry', failing(calls, 1), { schedule: '0 0 0 1 1 *', runOnStartup: true }, retry));
    await until(() => calls.length === 2);
    expect(calls.map((call) => call.context.retryContext?.retryCount)).toEqual([0, 1]);
  });

  it('stops retrying when closed', async () => {
    const calls: Call[] = [];
    const retry: RetryOptions = { strategy: 'fixedDelay', maxRetryCount: -1, delayInterval: { seconds: 30 } };
    const handle = await start(timerFunction('closedDuringRetry', failing(calls, 100), { schedule: '0 0 0 1 1 *', runOnStartup: true }, retry));
    await until(() => calls.length === 1);
    await handle.close();
    expect(calls).toHaveLength(1);
  });
});
