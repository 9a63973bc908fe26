import { describe, expect, it } from 'vitest';
import { runGrowthBench } from '../../bench/growth.ts';
import { runStageMutationBench } from '../../bench/stage-mutation.ts';

/**
 * The benchmarks are too slow for the suite at full size; these runs keep them working (a
 * benchmark nobody can run measures nothing) and check the figures that are counts, not times:
 * those hold on any machine. Each starts a local host in its own process, on loopback.
 */
describe('benchmarks, smallest size', () => {
  it('stage mutations: 1 read + 1 replace on the request path, every API answer 200, a 6-stage document measured', { timeout: 240_000 }, async () => {
    const { markdown } = await runStageMutationBench({ levels: [1], windows: 1, seconds: 0.5, paced: 3, requestLogRun: false });

    expect(markdown).toContain('## Stage mutations (`bench/stage-mutation.ts`)');
    expect(markdown).toContain('- request path: **1.000 read + 1.000 replace** (**pass**)');
    const row = markdown.split('\n').find((line) => line.startsWith('| off | 1 |'));
    expect(row?.trim().endsWith('| 0 |'), row).toBe(true);
    const sixStages = Number(/a 6-stage application with feedback (\d+) bytes/.exec(markdown)?.[1]);
    expect(sixStages).toBeGreaterThan(2_000);
    expect(sixStages).toBeLessThan(1_500_000);
  });

  it("growth: a board page reads the page and one more of the tenant's documents and an idle sweep reads the stranded index only", { timeout: 240_000 }, async () => {
    const { markdown } = await runGrowthBench({ sizes: [150], rounds: 2 });

    expect(markdown).toContain("## Growth: one tenant among others' data (`bench/growth.ts`)");
    expect(markdown).toContain('## Local Cosmos DB queries (`bench/growth.ts`)');
    expect(markdown).toContain('reads the `strandedOutboxes` index only — **pass**');
    // A page of 50 reads 51 of the tenant's 100 documents (the range index), page 2 the last 50; the filter reads on for its matches.
    const boardRow = (others: string) => markdown.split('\n').find((line) => line.startsWith(`| ${others} |`) && /applications 51 \/ applications (\d+) \/ applications 50 \|$/.test(line.trim()));
    expect(boardRow('0')).toBeDefined();
    expect(boardRow('150')).toBeDefined();
    expect(Number(/applications 51 \/ applications (\d+) \//.exec(boardRow('150')!)?.[1])).toBeLessThanOrEqual(100);
    expect(markdown).toContain('"≤ page size + 1" (51) for the unfiltered pages is **pass** (51;');
    // Whole-container queries read every document; the scoped one only the tenant's.
    expect(markdown).toMatch(/\| 250 \| [^\n]* \| 250 \/ 250 \/ 100 \|/);
  });
});
