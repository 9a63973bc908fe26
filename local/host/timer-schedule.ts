/**
 * Timer schedules as the Functions host reads them (WebJobs `TimerSchedule.Create`):
 * 1. `%Name%` tokens are replaced by app settings (a missing setting is an error);
 * 2. NCRONTAB `{second} {minute} {hour} {day} {month} {day-of-week}`, or 5 fields without seconds;
 * 3. otherwise a .NET TimeSpan such as `00:05:00` or `1.00:00:00` (a constant interval; Azure
 *    allows it on App Service plans only).
 *
 * NCRONTAB field syntax (NCrontab's `CrontabFieldImpl`), checked here before croner computes
 * occurrences: `*`, a value, `a-b`, `*\/n`, `a-b/n`, `a/n` (= a to max, every n), lists with `,`.
 * Months 1–12 and days of week 0–6 (Sunday = 0; 7 is rejected, as NCrontab does) also take names,
 * case-insensitive, any prefix of the English name (`Mon`, `Monday`, `Tu`, `Jan`, `Sept`).
 * No `?`, `L`, `W`, `#`. When both day and day-of-week are restricted, an occurrence must match
 * BOTH (NCrontab checks the day of week after the day), unlike Vixie cron's OR.
 * Occurrences are computed in UTC (Linux Consumption / Flex ignore WEBSITE_TIME_ZONE).
 */
import { Cron } from 'croner';

export class TimerScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimerScheduleError';
  }
}

export interface TimerSchedule {
  /** The expression after `%Setting%` resolution. */
  readonly expression: string;
  readonly kind: 'cron' | 'constant';
  /** `TimerInfo.Schedule.AdjustForDST`: true for cron schedules, false for constant intervals. */
  readonly adjustForDST: boolean;
  /** The first occurrence strictly after `after`. */
  next(after: Date): Date;
  nextOccurrences(count: number, after: Date): Date[];
  /**
   * The host switches `useMonitor` off for schedules firing more than once a minute: cron
   * schedules whose minute..day-of-week fields are all `*` with several seconds per minute, and
   * constant intervals under a minute.
   */
  readonly firesMoreThanOncePerMinute: boolean;
}

interface FieldSpec {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const FIELDS: readonly FieldSpec[] = [
  { label: 'second', min: 0, max: 59 },
  { label: 'minute', min: 0, max: 59 },
  { label: 'hour', min: 0, max: 23 },
  { label: 'day', min: 1, max: 31 },
  { label: 'month', min: 1, max: 12, names: MONTHS },
  { label: 'day-of-week', min: 0, max: 6, names: DAYS },
];
const FORMAT_HINT = "expected NCRONTAB '{second} {minute} {hour} {day} {month} {day-of-week}' (5 fields without seconds also work) or a TimeSpan like '00:05:00'";

/** Replaces every `%Name%` with its app setting. */
export function resolveScheduleSettings(expression: string, settings: Readonly<Record<string, string | undefined>>): string {
  return expression.replace(/%([^%\s]+)%/g, (_token, name: string) => {
    const value = settings[name];
    if (value === undefined) throw new TimerScheduleError(`Timer schedule '${expression}': app setting '${name}' is not set.`);
    return value;
  });
}

function parseValue(text: string, spec: FieldSpec): number {
  let value: number;
  if (/^\d+$/.test(text)) value = Number(text);
  else if (spec.names && /^[a-z]+$/i.test(text)) {
    const index = spec.names.findIndex((name) => name.toLowerCase().startsWith(text.toLowerCase()));
    if (index === -1) throw new Error(`'${text}' is not a known ${spec.label} name (use one of ${spec.names.join(', ')})`);
    value = index + spec.min;
  } else {
    throw new Error(`'${text}' is not a valid ${spec.label} value`);
  }
  if (value < spec.min || value > spec.max) throw new Error(`${spec.label} ${value} is outside ${spec.min}-${spec.max}`);
  return value;
}

/** Expands one NCRONTAB field into its sorted values. */
function parseCronField(text: string, spec: FieldSpec): number[] {
  const values = new Set<number>();
  for (const token of text.split(',')) {
    if (token === '') throw new Error(`empty list item in ${spec.label} field '${text}'`);
    let range = token;
    let step = 1;
    const slash = token.indexOf('/');
    if (slash !== -1) {
      const stepText = token.slice(slash + 1);
      if (slash === 0 || !/^\d+$/.test(stepText) || Number(stepText) === 0) throw new Error(`invalid step in ${spec.label} field '${token}'`);
      range = token.slice(0, slash);
      step = Number(stepText);
    }
    let first: number;
    let last: number;
    const dash = range.indexOf('-');
    if (range === '*') [first, last] = [spec.min, spec.max];
    else if (dash > 0) {
      [first, last] = [parseValue(range.slice(0, dash), spec), parseValue(range.slice(dash + 1), spec)];
      if (first > last) throw new Error(`range '${range}' in ${spec.label} field runs backwards`);
    } else {
      first = parseValue(range, spec);
      last = step === 1 ? first : spec.max;
    }
    for (let value = first; value <= last; value += step) values.add(value);
  }
  return [...values].sort((a, b) => a - b);
}

function cronSchedule(expression: string, fieldTexts: readonly string[]): TimerSchedule {
  const texts = fieldTexts.length === 5 ? ['0', ...fieldTexts] : fieldTexts;
  const fields = texts.map((text, index) => {
    const spec = FIELDS[index]!;
    try {
      return parseCronField(text, spec);
    } catch (error) {
      throw new TimerScheduleError(`Invalid timer schedule '${expression}': ${(error as Error).message}; ${FORMAT_HINT}.`);
    }
  });
  const isFull = (values: readonly number[], spec: FieldSpec): boolean => values.length === spec.max - spec.min + 1;
  const pattern = fields.map((values, index) => (isFull(values, FIELDS[index]!) ? '*' : values.join(','))).join(' ');
  const cron = new Cron(pattern, { timezone: 'Etc/UTC', domAndDow: true, mode: '6-part', paused: true });
  const next = (after: Date): Date => {
    const found = cron.nextRun(after);
    if (!found) throw new TimerScheduleError(`Timer schedule '${expression}' has no occurrence after ${after.toISOString()}.`);
    return found;
  };
  try {
    next(new Date());
  } catch {
    throw new TimerScheduleError(`Invalid timer schedule '${expression}': no date matches it, so it would never fire.`);
  }
  const minuteAndUpAreWild = fields.slice(1).every((values, index) => isFull(values, FIELDS[index + 1]!));
  return {
    expression,
    kind: 'cron',
    adjustForDST: true,
    next,
    nextOccurrences: (count, after) => occurrences(next, count, after),
    firesMoreThanOncePerMinute: minuteAndUpAreWild && fields[0]!.length > 1,
  };
}

/** .NET `TimeSpan.TryParse` shapes: `d`, `hh:mm`, `hh:mm:ss`, `d.hh:mm:ss`, `…ss.fffffff`. */
function constantIntervalMs(expression: string): number | undefined {
  if (/^\d+$/.test(expression)) return Number(expression) * 86_400_000;
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?$/.exec(expression);
  if (!match) return undefined;
  const [days, hours, minutes, seconds] = match.slice(1, 5).map((part) => Number(part ?? 0)) as [number, number, number, number];
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  const fractionMs = Number(`0.${match[5] ?? '0'}`) * 1000;
  return (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000 + fractionMs;
}

function constantSchedule(expression: string, intervalMs: number): TimerSchedule {
  if (intervalMs <= 0) throw new TimerScheduleError(`Timer schedule '${expression}' must be a positive interval.`);
  const next = (after: Date): Date => new Date(after.getTime() + intervalMs);
  return {
    expression,
    kind: 'constant',
    adjustForDST: false,
    next,
    nextOccurrences: (count, after) => occurrences(next, count, after),
    firesMoreThanOncePerMinute: intervalMs < 60_000,
  };
}

function occurrences(next: (after: Date) => Date, count: number, after: Date): Date[] {
  const list: Date[] = [];
  let cursor = after;
  for (let i = 0; i < count; i += 1) list.push((cursor = next(cursor)));
  return list;
}

/** Throws `TimerScheduleError` for a missing setting or an expression that is neither form. */
export function parseTimerSchedule(expression: string, settings: Readonly<Record<string, string | undefined>> = {}): TimerSchedule {
  const resolved = resolveScheduleSettings(expression, settings).trim();
  const fieldTexts = resolved.split(/\s+/).filter(Boolean);
  if (fieldTexts.length === 5 || fieldTexts.length === 6) return cronSchedule(resolved, fieldTexts);
  const intervalMs = fieldTexts.length === 1 ? constantIntervalMs(resolved) : undefined;
  if (intervalMs !== undefined) return constantSchedule(resolved, intervalMs);
  throw new TimerScheduleError(`Invalid timer schedule '${resolved}': ${FORMAT_HINT}.`);
}
