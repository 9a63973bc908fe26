import { describe, expect, it } from 'vitest';
import { parseTimerSchedule, TimerScheduleError } from '../../local/host/timer-schedule.ts';
import { intervalToMs, parseRetryPolicy, retryDelayFor } from '../../local/host/timer-retry-policy.ts';

const iso = (dates: Date[]) => dates.map((date) => date.toISOString());
const from = (text: string) => new Date(text);

describe('NCRONTAB schedules: next occurrences in UTC', () => {
  it('reads six fields with seconds first', () => {
    expect(iso(parseTimerSchedule('0 */5 * * * *').nextOccurrences(3, from('2024-03-10T10:02:30Z')))).toEqual([
      '2024-03-10T10:05:00.000Z',
      '2024-03-10T10:10:00.000Z',
      '2024-03-10T10:15:00.000Z',
    ]);
    expect(iso(parseTimerSchedule('15,45 * * * * *').nextOccurrences(3, from('2024-03-10T10:00:15Z')))).toEqual([
      '2024-03-10T10:00:45.000Z',
      '2024-03-10T10:01:15.000Z',
      '2024-03-10T10:01:45.000Z',
    ]);
  });

  it('returns the occurrence strictly after the given time, ignoring milliseconds', () => {
    const everySecond = parseTimerSchedule('* * * * * *');
    expect(everySecond.next(from('2024-01-01T00:00:00.000Z')).toISOString()).toBe('2024-01-01T00:00:01.000Z');
    expect(everySecond.next(from('2024-01-01T00:00:00.999Z')).toISOString()).toBe('2024-01-01T00:00:01.000Z');
  });

  it('reads five fields as minute hour day month day-of-week (second 0)', () => {
    expect(iso(parseTimerSchedule('30 9 * * *').nextOccurrences(2, from('2024-05-01T10:00:00Z')))).toEqual(['2024-05-02T09:30:00.000Z', '2024-05-03T09:30:00.000Z']);
  });

  it('takes day-of-week as 0-6 (Sunday = 0) or as any prefix of the English name', () => {
    // 2024-01-05 is a Friday.
    const after = from('2024-01-05T12:00:00Z');
    const mondays = iso(parseTimerSchedule('0 0 9 * * 1').nextOccurrences(2, after));
    expect(mondays).toEqual(['2024-01-08T09:00:00.000Z', '2024-01-15T09:00:00.000Z']);
    for (const name of ['Mon', 'mon', 'MONDAY', 'Mo']) expect(iso(parseTimerSchedule(`0 0 9 * * ${name}`).nextOccurrences(2, after))).toEqual(mondays);
    expect(parseTimerSchedule('0 0 9 * * 0').next(after).toISOString()).toBe('2024-01-07T09:00:00.000Z');
    expect(parseTimerSchedule('0 0 9 * * Sat').next(after).toISOString()).toBe('2024-01-06T09:00:00.000Z');
  });

  it('expands ranges, steps, lists and value/step', () => {
    const after = from('2024-01-05T12:00:00Z');
    expect(iso(parseTimerSchedule('0 30 9 * * Mon-Fri').nextOccurrences(3, after))).toEqual(['2024-01-08T09:30:00.000Z', '2024-01-09T09:30:00.000Z', '2024-01-10T09:30:00.000Z']);
    expect(iso(parseTimerSchedule('0 0 8-17/3 * * *').nextOccurrences(4, after))).toEqual([
      '2024-01-05T14:00:00.000Z',
      '2024-01-05T17:00:00.000Z',
      '2024-01-06T08:00:00.000Z',
      '2024-01-06T11:00:00.000Z',
    ]);
    expect(iso(parseTimerSchedule('0 0 0 1,15 Jan,Jul *').nextOccurrences(3, after))).toEqual(['2024-01-15T00:00:00.000Z', '2024-07-01T00:00:00.000Z', '2024-07-15T00:00:00.000Z']);
    expect(iso(parseTimerSchedule('0 50/5 10 * * *').nextOccurrences(3, after))).toEqual(['2024-01-06T10:50:00.000Z', '2024-01-06T10:55:00.000Z', '2024-01-07T10:50:00.000Z']);
  });

  it('requires both day and day-of-week when both are restricted (NCrontab), not either', () => {
    expect(iso(parseTimerSchedule('0 0 0 13 * Fri').nextOccurrences(2, from('2024-01-01T00:00:00Z')))).toEqual(['2024-09-13T00:00:00.000Z', '2024-12-13T00:00:00.000Z']);
  });

  it('skips months too short for the day', () => {
    expect(iso(parseTimerSchedule('0 0 0 31 * *').nextOccurrences(3, from('2024-01-31T00:00:00Z')))).toEqual(['2024-03-31T00:00:00.000Z', '2024-05-31T00:00:00.000Z', '2024-07-31T00:00:00.000Z']);
  });

  it('resolves %Setting% indirection from the settings', () => {
    const schedule = parseTimerSchedule('%ReminderSchedule%', { ReminderSchedule: '0 0 7 * * *' });
    expect(schedule.expression).toBe('0 0 7 * * *');
    expect(schedule.next(from('2024-01-01T08:00:00Z')).toISOString()).toBe('2024-01-02T07:00:00.000Z');
    expect(parseTimerSchedule('0 %Minute% * * * *', { Minute: '20' }).next(from('2024-01-01T08:00:00Z')).toISOString()).toBe('2024-01-01T08:20:00.000Z');
  });

  it('accepts TimeSpan intervals', () => {
    const schedule = parseTimerSchedule('00:00:15');
    expect(schedule.kind).toBe('constant');
    expect(schedule.adjustForDST).toBe(false);
    expect(iso(schedule.nextOccurrences(2, from('2024-01-01T00:00:00Z')))).toEqual(['2024-01-01T00:00:15.000Z', '2024-01-01T00:00:30.000Z']);
    expect(parseTimerSchedule('1.00:00:00').next(from('2024-01-01T00:00:00Z')).toISOString()).toBe('2024-01-02T00:00:00.000Z');
  });

  it('flags schedules that fire more than once a minute (the host then turns useMonitor off)', () => {
    expect(parseTimerSchedule('*/15 * * * * *').firesMoreThanOncePerMinute).toBe(true);
    expect(parseTimerSchedule('  */5    * *      * * *').firesMoreThanOncePerMinute).toBe(true);
    expect(parseTimerSchedule('0 * * * * *').firesMoreThanOncePerMinute).toBe(false);
    expect(parseTimerSchedule('* 30 * * * *').firesMoreThanOncePerMinute).toBe(false);
    expect(parseTimerSchedule('* * 12 * * Mon').firesMoreThanOncePerMinute).toBe(false);
    expect(parseTimerSchedule('00:00:30').firesMoreThanOncePerMinute).toBe(true);
    expect(parseTimerSchedule('01:00:00').firesMoreThanOncePerMinute).toBe(false);
  });
});

describe('NCRONTAB schedules: invalid expressions', () => {
  const invalid: Array<[string, RegExp]> = [
    ['invalid', /Invalid timer schedule 'invalid'/],
    ['* * * *', /expected NCRONTAB/],
    ['0 0 0 * * 7', /day-of-week 7 is outside 0-6/],
    ['60 * * * * *', /second 60 is outside 0-59/],
    ['0 0 0 0 * *', /day 0 is outside 1-31/],
    ['0 0 0 * * Funday', /'Funday' is not a known day-of-week name/],
    ['0 0 0 * Smarch *', /not a known month name/],
    ['0 0 12-8 * * *', /runs backwards/],
    ['*/0 * * * * *', /invalid step/],
    ['0 0 0 ? * *', /'\?' is not a valid day value/],
    ['0 0 0 L * *', /'L' is not a valid day value/],
    ['0 0 0 * * 5#2', /not a valid day-of-week value/],
    ['0 0 0 1,,2 * *', /empty list item/],
    ['0 0 0 30 2 *', /would never fire/],
  ];
  for (const [expression, reason] of invalid) {
    it(`rejects '${expression}'`, () => {
      expect(() => parseTimerSchedule(expression)).toThrow(TimerScheduleError);
      expect(() => parseTimerSchedule(expression)).toThrow(reason);
    });
  }

  it('rejects a %Setting% that is not set', () => {
    expect(() => parseTimerSchedule('%Missing%', { Other: '* * * * * *' })).toThrow(/app setting 'Missing' is not set/);
  });
});

describe('retry policies', () => {
  it('reads intervals as RpcDuration objects, Duration objects or milliseconds', () => {
    expect(intervalToMs({ seconds: 2 }, 'x')).toBe(2000);
    expect(intervalToMs({ seconds: '3', nanos: 500_000_000 }, 'x')).toBe(3500);
    expect(intervalToMs({ seconds: { low: 4, high: 0 } }, 'x')).toBe(4000);
    expect(intervalToMs({ minutes: 1, milliseconds: 250 }, 'x')).toBe(60_250);
    expect(intervalToMs(750, 'x')).toBe(750);
    expect(() => intervalToMs('soon', 'delayInterval')).toThrow(/'delayInterval' must be a non-negative duration/);
  });

  it('computes fixed and exponential delays, capped at the maximum', () => {
    const fixed = parseRetryPolicy({ strategy: 'fixedDelay', maxRetryCount: 3, delayInterval: { seconds: 5 } })!;
    expect([0, 1, 2].map((retry) => retryDelayFor(fixed, retry))).toEqual([5000, 5000, 5000]);
    const backoff = parseRetryPolicy({ retryStrategy: 'exponentialBackoff', maxRetryCount: -1, minimumInterval: 1000, maximumInterval: { seconds: 5 } })!;
    expect([0, 1, 2, 3, 4].map((retry) => retryDelayFor(backoff, retry))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });

  it('rejects malformed policies', () => {
    expect(() => parseRetryPolicy({ strategy: 'fixedDelay', maxRetryCount: -2, delayInterval: 1 })).toThrow(/maxRetryCount/);
    expect(() => parseRetryPolicy({ maxRetryCount: 1 })).toThrow(/retry strategy/);
    expect(() => parseRetryPolicy({ strategy: 'exponentialBackoff', maxRetryCount: 1, minimumInterval: 10, maximumInterval: 5 })).toThrow(/maximumInterval/);
  });
});
