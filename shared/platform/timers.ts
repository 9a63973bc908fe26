/**
 * Where adapters that poll on a cadence get the time and their next wake-up from. The system
 * timers are the default; tests pass a manual clock so a refresh interval passes without
 * waiting for it.
 */
export interface Timers {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Calls `callback` once after `delayMs`, without keeping the process alive. The returned
   * function cancels it. A promise the callback returns is the work it started: a manual clock
   * waits for it before moving on; the system timers ignore it.
   */
  schedule(callback: () => unknown, delayMs: number): () => void;
}

export const systemTimers: Timers = {
  now: () => Date.now(),
  schedule(callback, delayMs) {
    const timer = setTimeout(() => void callback(), delayMs);
    timer.unref();
    return () => clearTimeout(timer);
  },
};
