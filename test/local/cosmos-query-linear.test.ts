import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { installLinearQueries } from '../../local/cosmos/cosmos-query-linear.ts';

installLinearQueries();
const require = createRequire(import.meta.url);
type Compiled = { code: string; exec(rows: unknown[], options: Record<string, unknown>): { result: unknown[]; continuation: { token: string } | null } };
const query = (require('@zeit/cosmosdb-query') as { default: (sql: string) => Compiled }).default;

/** Documents as the local server keeps them: `_rid` in no particular order against insertion. */
function documents(n: number): Array<{ id: string; _rid: string; tenantId: string; score?: number; tags: Array<string | undefined> }> {
  return Array.from({ length: n }, (_, i) => ({
    id: `doc-${i}`,
    _rid: `rid-${String((i * 7919) % n).padStart(6, '0')}`,
    tenantId: i % 3 === 0 ? 'acme' : 'globex',
    ...(i % 5 === 0 ? {} : { score: i }),
    tags: ['a', undefined, 'b'],
  }));
}

/** Counts how often the rows' `_rid` is read (what the `_rid` sort does n log n times). */
function counted<T extends object>(rows: T[]): { rows: T[]; ridReads: () => number } {
  let reads = 0;
  const proxied = rows.map((row) => new Proxy(row, { get: (target, key, receiver) => (key === '_rid' && (reads += 1), Reflect.get(target, key, receiver)) }));
  return { rows: proxied, ridReads: () => reads };
}

describe('local query library patches (cosmos-query-linear)', () => {
  it('answers aggregates without ORDER BY as before, without sorting the rows by _rid', () => {
    const rows = documents(2_000);
    const acme = rows.filter((row) => row.tenantId === 'acme');
    const params = { parameters: [{ name: '@tenant', value: 'acme' }] };

    const count = counted(rows);
    expect(query('SELECT VALUE COUNT(1) FROM c').exec(count.rows, {}).result).toEqual([2_000]);
    expect(count.ridReads()).toBe(0);

    const filtered = counted(rows);
    expect(query('SELECT VALUE COUNT(1) FROM c WHERE c.tenantId = @tenant').exec(filtered.rows, params).result).toEqual([acme.length]);
    expect(filtered.ridReads()).toBe(0);

    const scored = acme.filter((row) => row.score !== undefined).map((row) => row.score!);
    expect(query('SELECT SUM(c.score) AS total, MAX(c.score) AS highest, MIN(c.score) AS lowest FROM c WHERE c.tenantId = @tenant').exec(rows, params).result).toEqual([
      { total: scored.reduce((a, b) => a + b, 0), highest: Math.max(...scored), lowest: Math.min(...scored) },
    ]);
    expect(query('SELECT VALUE COUNT(1) FROM c').code).not.toContain('$h.sort');
  });

  it('keeps the _rid order, and so paging, of queries that are not aggregates', () => {
    const rows = documents(300);
    const byRid = [...rows].sort((a, b) => (a._rid < b._rid ? -1 : 1)).map((row) => row.id);
    const compiled = query('SELECT c.id FROM c');
    expect(compiled.code).toContain('$h.sort');

    const pages: string[] = [];
    let continuation: { token: string } | null = null;
    do {
      const page: ReturnType<Compiled['exec']> = compiled.exec(rows, { maxItemCount: 70, ...(continuation ? { continuation } : {}) });
      pages.push(...(page.result as Array<{ id: string }>).map((row) => row.id));
      continuation = page.continuation;
    } while (continuation !== null);
    expect(pages).toEqual(byRid);
  });

  it('keeps ORDER BY on aggregates and on rows', () => {
    const rows = documents(50);
    expect(query('SELECT VALUE COUNT(1) FROM c ORDER BY c.id').code).toContain('$h.sort');
    const ordered = query('SELECT c.id FROM c WHERE c.tenantId = "acme" ORDER BY c.id DESC').exec(rows, {}).result as Array<{ id: string }>;
    expect(ordered.map((row) => row.id)).toEqual(rows.filter((row) => row.tenantId === 'acme').map((row) => row.id).sort().reverse());
  });

  it('strips undefined from results, nested arrays and objects included, as the library did', () => {
    const rows = [{ id: 'x', _rid: 'r1', tags: ['a', undefined, 'b'], nested: { keep: 1, drop: undefined, list: [undefined, { deep: undefined, v: 2 }] } }];
    expect(query('SELECT * FROM c').exec(rows, {}).result).toEqual([{ id: 'x', _rid: 'r1', tags: ['a', 'b'], nested: { keep: 1, list: [{ v: 2 }] } }]);
    const result = query('SELECT VALUE c.nested FROM c').exec(rows, {}).result as Array<Record<string, unknown>>;
    expect(Object.keys(result[0]!)).toEqual(['keep', 'list']);
  });
});
