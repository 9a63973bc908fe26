/**
 * The schedule monitor's state for one timer function, the local stand-in for the host's blob
 * `azure-webjobs-hosts/timers/<host>/<function>/status`: one JSON file per function under
 * `statusDir`, `{ "last", "next", "lastUpdated" }` as ISO-8601 UTC strings. "Never" is .NET's
 * `default(DateTime)`, 0001-01-01T00:00:00Z, as the host writes it.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TimerSchedule } from './timer-schedule.ts';

export interface ScheduleStatus {
  readonly last: Date;
  readonly next: Date;
  readonly lastUpdated: Date;
}

export const NEVER = new Date('0001-01-01T00:00:00.000Z');

export interface TimerStatusStore {
  readonly path: string;
  /** `undefined` when nothing was recorded yet (or the file is unreadable: reported through `onCorrupt`). */
  read(): Promise<ScheduleStatus | undefined>;
  write(status: ScheduleStatus): Promise<void>;
}

export function timerStatusPath(statusDir: string, functionName: string): string {
  return join(statusDir, `${encodeURIComponent(functionName)}.status.json`);
}

function parseDate(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function fileTimerStatusStore(statusDir: string, functionName: string, onCorrupt: (reason: string) => void = () => {}): TimerStatusStore {
  const path = timerStatusPath(statusDir, functionName);
  return {
    path,
    async read() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      try {
        const raw = JSON.parse(text) as Record<string, unknown>;
        const [last, next, lastUpdated] = [parseDate(raw.last), parseDate(raw.next), parseDate(raw.lastUpdated)];
        if (last && next && lastUpdated) return { last, next, lastUpdated };
      } catch {
        // reported below
      }
      onCorrupt(`${path} is not a valid schedule status; starting afresh`);
      return undefined;
    },
    async write(status) {
      await mkdir(statusDir, { recursive: true });
      const body = { last: status.last.toISOString(), next: status.next.toISOString(), lastUpdated: status.lastUpdated.toISOString() };
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(body, null, 2)}\n`);
      await rename(temporary, path);
    },
  };
}

export interface PastDueCheck {
  readonly status: ScheduleStatus;
  /** The status differs from what was stored (first start, or the schedule changed). */
  readonly changed: boolean;
  readonly isPastDue: boolean;
}

/**
 * The host's `ScheduleMonitor.CheckPastDueAsync`: with no record, record the next occurrence from
 * now. With one, recompute `next` from `last` (or `lastUpdated` if the timer never fired); if that
 * differs from the recorded `next`, the schedule changed and the recomputed value is kept. Past
 * due when `now` is later than the (possibly recomputed) `next`.
 */
export function checkPastDue(stored: ScheduleStatus | undefined, now: Date, schedule: TimerSchedule): PastDueCheck {
  if (!stored) return { status: { last: NEVER, next: schedule.next(now), lastUpdated: now }, changed: true, isPastDue: false };
  const base = stored.last.getTime() !== NEVER.getTime() ? stored.last : stored.lastUpdated.getTime() !== NEVER.getTime() ? stored.lastUpdated : now;
  const expectedNext = schedule.next(base);
  const changed = expectedNext.getTime() !== stored.next.getTime();
  const status = changed ? { ...stored, next: expectedNext, lastUpdated: base } : stored;
  return { status, changed, isPastDue: now.getTime() > status.next.getTime() };
}
