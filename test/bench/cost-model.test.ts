import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PRICES, RU_TABLE, createRu, deleteRu, indexTerms, patchRu, readRu, replaceRu, termCount, termDiff, writeBaseRu } from '../../bench/cost/rules.ts';
import { DEFAULT_ASSUMPTIONS, SECONDS_PER_MONTH, type Measurement } from '../../bench/cost/measurement.ts';
import { activeSecondsOf, billableSecondsOf, priceModel, scaleGroups, serviceBusCost } from '../../bench/cost/model.ts';
import { documentBlocks } from '../../bench/cost/tables.ts';
import { RECORDED } from '../../bench/cost/recorded.ts';

const KB = 1024;
const recorded: Measurement = RECORDED;
const volumes = [100, 1_000, 10_000, 100_000, 1_000_000];

describe('request units from size (the published table)', () => {
  it('gives the published figure at every size of the table', () => {
    RU_TABLE.kb.forEach((kb, i) => {
      expect(readRu(kb * KB)).toBeCloseTo(RU_TABLE.read[i]!, 10);
      expect(writeBaseRu(kb * KB)).toBeCloseTo(RU_TABLE.write[i]!, 10);
    });
    expect(readRu(KB)).toBe(1);
    expect(writeBaseRu(2048 * KB)).toBe(1250);
  });

  it('interpolates linearly between sizes, keeps the 1 KB figure below it and grows in proportion past 2 MB', () => {
    expect(readRu(3 * KB)).toBeCloseTo((1.04 + 1.14) / 2, 10);
    expect(writeBaseRu(6 * KB)).toBeCloseTo((6.67 + 7.04) / 2, 10);
    expect(writeBaseRu(1.5 * KB)).toBeCloseTo((4.95 + 6.29) / 2, 10);
    expect(readRu(0)).toBe(1);
    expect(writeBaseRu(300)).toBe(4.95);
    expect(readRu(4096 * KB)).toBeCloseTo(2 * 291.8, 10);
  });

  it('prices writes as the published examples do (with the table’s 4.95 where the examples round to 5.0)', () => {
    // "5.0 (document size based) + 0.2 × 10 (indexing) = 7 RUs"
    expect(createRu(KB, 10)).toBeCloseTo(7 - 0.05, 10);
    // "5.0 (deletion) + 5.0 (insertion) + 0.2 × 2 + 0.2 × 2 = 10.8 RUs"
    expect(replaceRu(KB, KB, 2, 2)).toBeCloseTo(10.8 - 0.1, 10);
    // "… + 0.4 * 2 (base charge for patch) = 11.6 RUs"
    expect(patchRu(KB, 2, 2)).toBeCloseTo(11.6 - 0.1, 10);
    // "5.0 (document size) + 0.2 × 10 (index removal) = 7.0 RUs"
    expect(deleteRu(KB, 10)).toBeCloseTo(7 - 0.05, 10);
  });

  it('charges a replace for the old and the new size, and for every term removed and added', () => {
    expect(replaceRu(8 * KB, 16 * KB, 3, 5)).toBeCloseTo(7.04 + 9.52 + 0.2 * 8, 10);
    expect(replaceRu(KB, KB, 0, 0)).toBeCloseTo(2 * 4.95, 10);
  });
});

describe('index terms', () => {
  it('counts one term per leaf value, arrays collapsed, system properties other than _ts left out', () => {
    const terms = indexTerms({ id: 'a', tags: ['x', 'y', 'x'], nested: { k: 1, empty: [] }, _rid: 'r', _etag: 'e', _ts: 5 });
    expect(termCount(terms)).toBe(7);
    expect(terms.get('/tags/[]="x"')).toBe(2);
    expect(terms.get('/nested/empty/[]=<empty>')).toBe(1);
    expect(terms.has('/_rid="r"')).toBe(false);
    expect(terms.get('/_ts=5')).toBe(1);
  });

  it('counts only the terms at a container\'s indexed paths when it names them (`/x/?` the value at /x, `/x/*` everything under it)', () => {
    const document = { id: 'a', tenantId: 't', stages: [{ type: 'offer', status: 'open', data: { note: 'n' } }, { type: 'offer', status: 'done' }], outbox: [{ seq: 1 }], _ts: 5 };
    const narrowed = indexTerms(document, ['/tenantId/?', '/stages/[]/type/?', '/outbox/*']);
    expect([...narrowed.entries()]).toEqual([
      ['/tenantId="t"', 1],
      ['/stages/[]/type="offer"', 2],
      ['/outbox/[]/seq=1', 1],
    ]);
    expect(termCount(indexTerms(document))).toBe(9);
  });

  it('finds the terms a replace removes and adds', () => {
    const before = indexTerms({ id: 'a', status: 'open', stages: [{ status: 'active' }, { status: 'active' }] });
    const after = indexTerms({ id: 'a', status: 'open', stages: [{ status: 'active' }, { status: 'completed' }], note: 'n' });
    expect(termDiff(before, after)).toEqual({ removed: 1, added: 2 });
    expect(termDiff(after, after)).toEqual({ removed: 0, added: 0 });
  });
});

describe('Service Bus Standard', () => {
  const base = PRICES.serviceBusBasePerHour * 730;
  it('charges the base alone up to the included 13 M operations', () => {
    expect(serviceBusCost(0)).toBeCloseTo(9.855, 10);
    expect(serviceBusCost(13_000_000)).toBeCloseTo(base, 10);
    expect(serviceBusCost(0, 24)).toBeCloseTo(PRICES.serviceBusBasePerHour * 24, 10);
  });

  it('charges each tier its own rate across the 100 M and 2,500 M boundaries', () => {
    expect(serviceBusCost(14_000_000)).toBeCloseTo(base + 0.8, 10);
    expect(serviceBusCost(100_000_000)).toBeCloseTo(base + 87 * 0.8, 10);
    expect(serviceBusCost(101_000_000)).toBeCloseTo(base + 87 * 0.8 + 0.5, 10);
    expect(serviceBusCost(2_500_000_000)).toBeCloseTo(base + 87 * 0.8 + 2_400 * 0.5, 6);
    expect(serviceBusCost(2_501_000_000)).toBeCloseTo(base + 87 * 0.8 + 2_400 * 0.5 + 0.2, 6);
  });
});

describe('Functions Flex Consumption', () => {
  it('bills an execution at least 1,000 ms, then in 100 ms steps rounded up', () => {
    expect(billableSecondsOf(0)).toBe(1);
    expect(billableSecondsOf(37)).toBe(1);
    expect(billableSecondsOf(1000)).toBe(1);
    expect(billableSecondsOf(1000.4)).toBe(1.1);
    expect(billableSecondsOf(1234)).toBe(1.3);
    expect(billableSecondsOf(2500)).toBe(2.5);
  });

  it('groups HTTP functions together, blob functions together and every other function (timers too) on its own', () => {
    const groups = scaleGroups(recorded, 1);
    const http = groups.find((g) => g.name === 'http')!;
    const httpExecutions = recorded.functions.filter((f) => f.trigger === 'httpTrigger').reduce((n, f) => n + f.count, 0);
    expect(http.executionsPerMonth).toBeCloseTo(httpExecutions, 10);
    expect(groups.some((g) => g.name === 'blob')).toBe(true);
    expect(groups.find((g) => g.name === 'outboxSweeper')).toMatchObject({ executionsPerMonth: 43_800, billableSecondsEach: 1, fixed: true });
    expect(groups.some((g) => g.name === 'createStage')).toBe(false);
  });

  it('counts overlapping executions once: never more than every execution alone, never more than the month', () => {
    const quiet = { name: 'q', executionsPerMonth: 1_000, billableSecondsEach: 1, fixed: false };
    expect(activeSecondsOf(quiet, 'perExecution')).toBe(1_000);
    expect(activeSecondsOf(quiet, 'instanceActive')).toBeLessThan(1_000);
    expect(activeSecondsOf(quiet, 'instanceActive')).toBeGreaterThan(999.8);
    const busy = { ...quiet, executionsPerMonth: 10 * SECONDS_PER_MONTH };
    expect(activeSecondsOf(busy, 'perExecution')).toBe(10 * SECONDS_PER_MONTH);
    expect(activeSecondsOf(busy, 'instanceActive')).toBeLessThanOrEqual(SECONDS_PER_MONTH);
    expect(activeSecondsOf(busy, 'instanceActive')).toBeGreaterThan(0.9999 * SECONDS_PER_MONTH);
  });
});

describe('the monthly price', () => {
  it('grows with the volume, line by line', () => {
    const costs = volumes.map((v) => priceModel(recorded, v));
    for (let i = 1; i < costs.length; i++) {
      expect(costs[i]!.total).toBeGreaterThan(costs[i - 1]!.total);
      costs[i]!.lines.forEach((line, j) => expect(line.total).toBeGreaterThanOrEqual(costs[i - 1]!.lines[j]!.total));
    }
  });

  it('is the sum of its lines, and each line of its fixed and volume-driven parts', () => {
    for (const v of volumes) {
      const cost = priceModel(recorded, v);
      expect(cost.total).toBeCloseTo(cost.lines.reduce((n, line) => n + line.total, 0), 6);
      for (const line of cost.lines) expect(line.fixed + line.variable).toBeCloseTo(line.total, 1);
      expect(cost.perApplication).toBeCloseTo(cost.total / v, 10);
    }
  });

  it('costs less with the free grants, and no more than without them at any volume', () => {
    for (const v of volumes) {
      const full = priceModel(recorded, v);
      const granted = priceModel(recorded, v, { ...DEFAULT_ASSUMPTIONS, freeGrants: true });
      expect(granted.total).toBeLessThanOrEqual(full.total);
      if (v <= 100_000) expect(granted.total).toBeLessThan(full.total);
    }
  });

  it('costs less with cheaper queries, and no less when every execution is billed alone', () => {
    const base = priceModel(recorded, 10_000);
    expect(priceModel(recorded, 10_000, { ...DEFAULT_ASSUMPTIONS, queryRu: 3 }).lines[0]!.total).toBeLessThan(base.lines[0]!.total);
    expect(priceModel(recorded, 10_000, { ...DEFAULT_ASSUMPTIONS, flexBilling: 'perExecution' }).lines[1]!.total).toBeGreaterThan(base.lines[1]!.total);
  });

  it('charges only the fixed part for an empty month', () => {
    const cost = priceModel(recorded, 1e-9);
    for (const line of cost.lines) expect(line.total).toBeCloseTo(line.fixed, 2);
  });
});

describe('docs/cost.md', () => {
  const doc = readFileSync(new URL('../../docs/cost.md', import.meta.url), 'utf8');

  it('quotes every table the recorded measurement prices to, as the code prints it', () => {
    for (const block of documentBlocks(recorded)) expect(doc, block.title).toContain(block.markdown);
  });

  it('states when and on how many pipelines the recorded inputs were measured', () => {
    expect(doc).toContain(recorded.measuredAt);
    expect(doc).toContain(`${recorded.pipelines} pipelines`);
  });
});
