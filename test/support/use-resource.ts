import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

/**
 * Something the tests of the enclosing `describe` use: `start` makes it before each test
 * (`each`) or once before the first (`all`), `stop` ends it after that test or after the last.
 * Returns a getter for the current one, which throws outside that span.
 */
export function useResource<T>(scope: 'each' | 'all', start: () => T | Promise<T>, stop: (resource: T) => unknown): () => T {
  let current: T | undefined;
  (scope === 'each' ? beforeEach : beforeAll)(async () => {
    current = await start();
  });
  (scope === 'each' ? afterEach : afterAll)(async () => {
    if (current !== undefined) await stop(current);
    current = undefined;
  });
  return () => {
    if (current === undefined) throw new Error(`Used outside the span it exists in (${scope === 'each' ? 'a test' : 'the describe block'}).`);
    return current;
  };
}
