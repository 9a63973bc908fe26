/** Where the core gets the time from; tests pass their own. */
export interface Clock {
  /** Now, as an ISO 8601 string in UTC (`2025-03-01T09:00:00.000Z`). */
  now(): string;
}

export const systemClock: Clock = {
  now: () => new Date().toISOString(),
};
