import { describe, expect, it } from 'vitest';
import { cruise } from './cruise.ts';

describe('module boundaries', () => {
  it('the real tree (functions/, shared/, local/) breaks none of the rules in .dependency-cruiser.cjs', () => {
    const result = cruise();
    expect(result.totalCruised).toBeGreaterThan(10);
    expect(result.violations).toEqual([]);
  });
});
