import { describe, expect, it } from 'vitest';
import { DelegationKeyCache } from '../../../shared/documents/adapters/user-delegation-key-cache.ts';

const HOUR = 3_600_000;

describe('the user-delegation key cache (identity mode signs every SAS with it)', () => {
  function world() {
    let now = Date.parse('2025-03-01T09:00:00Z');
    const fetched: Array<{ startsOn: Date; expiresOn: Date }> = [];
    const cache = new DelegationKeyCache({
      now: () => now,
      fetch: async (startsOn, expiresOn) => {
        fetched.push({ startsOn, expiresOn });
        await new Promise((resolve) => setTimeout(resolve, 5));
        return `key-${fetched.length}`;
      },
    });
    return { cache, fetched, advance: (ms: number) => void (now += ms) };
  }

  it('asks once for a key valid six hours (starting five minutes back), and shares it, also between concurrent callers', async () => {
    const { cache, fetched } = world();
    expect(await Promise.all([cache.key(), cache.key(), cache.key()])).toEqual(['key-1', 'key-1', 'key-1']);
    expect(await cache.key()).toBe('key-1');
    expect(fetched).toHaveLength(1);
    expect(fetched[0]!.expiresOn.getTime() - fetched[0]!.startsOn.getTime()).toBe(6 * HOUR + 5 * 60_000);
  });

  it('renews an hour before the key runs out, so no SAS (15 min at most) outlives its key', async () => {
    const { cache, fetched, advance } = world();
    await cache.key();
    advance(5 * HOUR - 1);
    expect(await cache.key()).toBe('key-1');
    advance(2);
    expect(await cache.key()).toBe('key-2');
    expect(fetched).toHaveLength(2);
  });

  it('after a failed request, the next caller asks again', async () => {
    let fail = true;
    const cache = new DelegationKeyCache({ fetch: async () => { if (fail) throw new Error('down'); return 'key'; } });
    await expect(cache.key()).rejects.toThrow('down');
    fail = false;
    expect(await cache.key()).toBe('key');
  });

  it('refuses a renewal margin that a 15-minute SAS could outlive', () => {
    expect(() => new DelegationKeyCache({ fetch: async () => 'k', renewBeforeMs: 10 * 60_000 })).toThrow();
  });
});
