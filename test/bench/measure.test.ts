import { describe, expect, it } from 'vitest';
import { countsText, quantile, sampleInTurn, spread } from '../../bench/support/measure.ts';

describe('benchmark measures', () => {
  it('takes quantiles of an ascending list and min / median / max of any list', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4], 0.95)).toBe(4);
    expect(quantile([], 0.5)).toBe(0);
    expect(spread([5, 1, 3])).toEqual({ min: 1, median: 3, max: 5 });
  });

  it('runs the ops in turn, round after round, one sample per op per round', async () => {
    const order: string[] = [];
    const samples = await sampleInTurn(3, { a: async () => void order.push('a'), b: async () => void order.push('b') });
    expect(order).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
    expect(samples.a).toHaveLength(3);
    expect(samples.b.every((ms) => ms >= 0)).toBe(true);
  });

  it('prints counts per op, largest first, leaving zeros out', () => {
    expect(countsText({ 'timeline:create': 2, 'applications:replace': 4, 'leases:upsert': 0 }, 2)).toBe('applications:replace 2.00, timeline:create 1.00');
    expect(countsText({})).toBe('none');
  });
});
