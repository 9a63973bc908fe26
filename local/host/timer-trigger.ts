/**
 * Runs one timer-triggered function the way the host's `TimerListener` does:
 * - occurrences from `timer-schedule.ts`, in UTC; the next one is armed only after the current
 *   run (retries included) finished, so a run never overlaps another. The next occurrence is
 *   computed from the run's start: a run that overran its interval is followed by ONE immediate
 *   catch-up run, never by several. A tick arriving while a `runNow()` run is busy is skipped.
 * - the handler gets `{ schedule: { adjustForDST }, scheduleStatus, isPastDue }` and an
 *   `InvocationContext` with `triggerMetadata` undefined;
 * - `useMonitor` (default true, switched off for schedules firing more than once a minute):
 *   the status `{ last, next, lastUpdated }` is kept in `statusDir` and passed as
 *   `scheduleStatus`; without it `scheduleStatus` is `null`, as the host sends it;
 * - at start, a missed occurrence (now later than the recorded `next`) runs once with
 *   `isPastDue: true`; otherwise `runOnStartup` runs it once; both happen just after start;
 * - a failed run is logged and not retried, unless the function has a retry policy
 *   (`timer-retry-policy.ts`); each retry is a new invocation with `context.retryContext`.
 * `close()` stops the schedule, cancels pending retry waits and waits for a running handler.
 */
import { randomUUID } from 'node:crypto';
import type { RegisteredFunction } from './function-registry.ts';
import { consoleHostLog, createInvocationContext, describeError, type HostLog } from './http-invocation.ts';
import { mayRetry, parseRetryPolicy, retryDelayFor, type RetryPolicy } from './timer-retry-policy.ts';
import { parseTimerSchedule, TimerScheduleError, type TimerSchedule } from './timer-schedule.ts';
import { checkPastDue, fileTimerStatusStore, NEVER, type ScheduleStatus, type TimerStatusStore } from './timer-status-store.ts';

export interface TimerTriggerOptions {
  readonly fn: RegisteredFunction;
  /** App settings for `%Name%` in the schedule. */
  readonly settings?: Readonly<Record<string, string | undefined>>;
  readonly statusDir: string;
  /** Injectable clock (default: the system clock). Waits still use real timers. */
  readonly now?: () => Date;
  readonly log?: HostLog;
}

/** The trigger input, after the library's camel-casing of the host's `TimerInfo`. */
export interface TimerInput {
  readonly schedule: { readonly adjustForDST: boolean };
  readonly scheduleStatus: { readonly last: string; readonly next: string; readonly lastUpdated: string } | null;
  readonly isPastDue: boolean;
}

export interface TimerTriggerHandle {
  readonly schedule: TimerSchedule;
  readonly useMonitor: boolean;
  /** Invokes the function now (as the admin API would), after any run in progress; no status update. */
  runNow(): Promise<void>;
  close(): Promise<void>;
}

/** Node's `setTimeout` limit; longer waits are re-armed. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

type RunKind = 'scheduled' | 'pastDue' | 'startup' | 'manual';

export async function startTimerTrigger(options: TimerTriggerOptions): Promise<TimerTriggerHandle> {
  const { fn } = options;
  const log = options.log ?? consoleHostLog;
  const now = options.now ?? (() => new Date());
  const prefix = `[timer] ${fn.name}:`;

  let schedule: TimerSchedule;
  let retry: RetryPolicy | undefined;
  try {
    schedule = parseTimerSchedule(String(fn.trigger.schedule ?? ''), options.settings ?? {});
    retry = parseRetryPolicy(fn.retryOptions);
  } catch (error) {
    const message = `Function '${fn.name}': ${(error as Error).message}`;
    throw error instanceof TimerScheduleError ? new TimerScheduleError(message) : new Error(message);
  }
  const useMonitor = fn.trigger.useMonitor !== false && !schedule.firesMoreThanOncePerMinute;
  const store: TimerStatusStore | undefined = useMonitor ? fileTimerStatusStore(options.statusDir, fn.name, (reason) => log(`${prefix} ${reason}`)) : undefined;

  let status: ScheduleStatus;
  let startupRun: RunKind | undefined;
  if (store) {
    const check = checkPastDue(await store.read(), now(), schedule);
    status = check.status;
    if (check.changed) await store.write(status);
    if (check.isPastDue) startupRun = 'pastDue';
  } else {
    status = { last: NEVER, next: schedule.next(now()), lastUpdated: NEVER };
  }
  if (!startupRun && fn.trigger.runOnStartup === true) startupRun = 'startup';
  log(`${prefix} schedule '${schedule.expression}' (UTC), useMonitor=${useMonitor}, next ${schedule.nextOccurrences(3, now()).map((d) => d.toISOString()).join(', ')}`);

  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const sleepers = new Set<() => void>();

  const sleep = (ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(handle);
        sleepers.delete(wake);
        resolve(!closed);
      };
      const handle = setTimeout(wake, ms);
      sleepers.add(wake);
    });

  const timerInput = (isPastDue: boolean): TimerInput => ({
    schedule: { adjustForDST: schedule.adjustForDST },
    scheduleStatus: useMonitor ? { last: status.last.toISOString(), next: status.next.toISOString(), lastUpdated: status.lastUpdated.toISOString() } : null,
    isPastDue,
  });

  /** One execution: the first attempt plus the retries its policy allows. */
  const execute = async (input: TimerInput, kind: RunKind): Promise<void> => {
    let lastError: unknown;
    for (let retriesDone = 0; ; retriesDone += 1) {
      const invocationId = randomUUID();
      const retryContext = retry
        ? {
            retryCount: retriesDone,
            maxRetryCount: retry.maxRetryCount,
            ...(lastError === undefined ? {} : { exception: { message: (lastError as Error)?.message ?? String(lastError), stackTrace: (lastError as Error)?.stack ?? '' } }),
          }
        : undefined;
      const context = createInvocationContext({ fn, log, invocationId, ...(retryContext ? { retryContext } : {}) });
      const started = performance.now();
      try {
        await fn.handler(input, context);
        log(`${prefix} Executed 'Functions.${fn.name}' (Succeeded, Reason=${kind}, Id=${invocationId}, Duration=${Math.round(performance.now() - started)}ms)`);
        return;
      } catch (error) {
        lastError = error;
        log(`${prefix} Executed 'Functions.${fn.name}' (Failed, Reason=${kind}, Id=${invocationId}): ${describeError(error)}`);
      }
      if (!retry || !mayRetry(retry, retriesDone) || closed) return;
      const delay = retryDelayFor(retry, retriesDone);
      const limit = retry.maxRetryCount === -1 ? 'unlimited' : String(retry.maxRetryCount);
      log(`${prefix} retry ${retriesDone + 1} of ${limit} in ${delay}ms (${retry.strategy})`);
      if (!(await sleep(delay))) return;
    }
  };

  const run = async (kind: RunKind): Promise<void> => {
    const invocationTime = now();
    await execute(timerInput(kind === 'pastDue'), kind);
    if (kind === 'manual') return;
    const adjusted = kind === 'scheduled' && status.next.getTime() > invocationTime.getTime() ? status.next : invocationTime;
    status = { last: adjusted, next: schedule.next(adjusted), lastUpdated: adjusted };
    if (store) await store.write(status).catch((error: unknown) => log(`${prefix} could not record its status: ${describeError(error)}`));
  };

  /** Runs `kind` unless closed; `running` guards against overlap. */
  const start = (kind: RunKind): Promise<void> => {
    const task = (running ?? Promise.resolve())
      .then(() => (closed ? undefined : run(kind)))
      .finally(() => {
        if (running === task) running = undefined;
      });
    running = task;
    return task;
  };

  /** Runs `kind`, then arms the next occurrence. */
  const fire = (kind: RunKind): void => {
    void start(kind)
      .catch((error: unknown) => log(`${prefix} invocation failed in the host: ${describeError(error)}`))
      .then(armNext);
  };
  const arm = (delayMs: number, onFire: () => void): void => {
    if (closed) return;
    timer = setTimeout(onFire, Math.min(Math.max(delayMs, 1), MAX_TIMEOUT_MS));
  };
  const armNext = (): void => {
    const wait = status.next.getTime() - now().getTime();
    arm(wait, () => {
      if (wait > MAX_TIMEOUT_MS) return armNext();
      if (running) {
        log(`${prefix} occurrence skipped: the previous invocation is still running`);
        status = { ...status, next: schedule.next(now()) };
        return armNext();
      }
      fire('scheduled');
    });
  };

  if (startupRun) arm(1, () => fire(startupRun));
  else armNext();

  return {
    schedule,
    useMonitor,
    runNow: () => (closed ? Promise.resolve() : start('manual')),
    async close() {
      closed = true;
      clearTimeout(timer);
      for (const wake of [...sleepers]) wake();
      await running;
    },
  };
}
