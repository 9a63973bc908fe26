import type { Timers } from '../../shared/platform/timers.ts';

/** The wall clock, taken before any test points `Date.now` at a manual clock. */
const wallClock = Date.now.bind(Date);

interface Scheduled {
  readonly at: number;
  readonly order: number;
  readonly callback: () => unknown;
}

/**
 * Timers a test drives. Time flows as on the wall clock, and `advance(ms)` lets idle time pass
 * at once: each callback that falls due runs in order, and the work it returns (a refresh round
 * against a real local server) finishes, in real time, before the clock moves on. Only the waits
 * between rounds are skipped; request timeouts and I/O stay real.
 */
export class ManualTimers implements Timers {
  #skippedMs = 0;
  #scheduled: Scheduled[] = [];
  #order = 0;

  now(): number {
    return wallClock() + this.#skippedMs;
  }

  schedule(callback: () => unknown, delayMs: number): () => void {
    const entry: Scheduled = { at: this.now() + Math.max(0, delayMs), order: this.#order++, callback };
    this.#scheduled.push(entry);
    return () => void (this.#scheduled = this.#scheduled.filter((scheduled) => scheduled !== entry));
  }

  /** Callbacks waiting for their time. */
  get pending(): number {
    return this.#scheduled.length;
  }

  /** Lets `ms` pass: runs every callback due by then (including ones scheduled meanwhile), each to the end of its work. */
  async advance(ms: number): Promise<void> {
    const end = this.now() + ms;
    for (let next = this.#nextDueBy(end); next !== undefined; next = this.#nextDueBy(end)) {
      this.#scheduled = this.#scheduled.filter((scheduled) => scheduled !== next);
      this.#skipTo(next.at);
      await next.callback();
    }
    this.#skipTo(end);
  }

  #nextDueBy(end: number): Scheduled | undefined {
    return this.#scheduled.filter((scheduled) => scheduled.at <= end).sort((a, b) => a.at - b.at || a.order - b.order)[0];
  }

  #skipTo(at: number): void {
    this.#skippedMs += Math.max(0, at - this.now());
  }
}
