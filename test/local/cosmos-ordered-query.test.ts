import { createRequire } from 'node:module';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Container, SqlParameter } from '@azure/cosmos';
import { compareValues, OrderedItems } from '../../local/cosmos/cosmos-ordered-index.ts';
import { onDocumentsRead } from '../../local/cosmos/cosmos-ordered-query.ts';
import { containers } from '../../shared/platform/cosmos-containers.ts';
import { indexingPolicyOf } from '../../shared/platform/cosmos-indexing.ts';
import { localCosmosForEachTest } from './cosmos-support/cosmos-fixtures.ts';

const require = createRequire(import.meta.url);
type Page = { result: Array<{ id: string }>; continuation: { token: string } | null };
const library = (require('@zeit/cosmosdb-query') as { default: (sql: string) => { exec(rows: unknown[], options: Record<string, unknown>): Page } }).default;

type Doc = { id: string; tenantId: string; applicationId: string; rank?: unknown; n: number; _rid?: string };

/** Every page of `sql` over `tenant`'s documents through the real client, with the documents each page read. */
async function pages(container: Container, sql: string, parameters: SqlParameter[], partitionKey: string[] | undefined, maxItemCount: number, between?: (page: number) => Promise<void>) {
  const read: number[] = [];
  onDocumentsRead((_store, documents) => read.push(documents));
  const results: string[][] = [];
  let continuationToken: string | undefined;
  try {
    do {
      const reads = read.length;
      const response = await container.items.query<Doc>({ query: sql, parameters }, { ...(partitionKey ? { partitionKey } : {}), maxItemCount, ...(continuationToken ? { continuationToken } : {}) }).fetchNext();
      results.push(response.resources.map((doc) => doc.id));
      read.splice(reads, read.length - reads, read.slice(reads).reduce((sum, n) => sum + n, 0));
      continuationToken = response.continuationToken;
      if (continuationToken) await between?.(results.length);
    } while (continuationToken);
  } finally {
    onDocumentsRead(undefined);
  }
  return { results, read };
}

/** The package's own answer for the same pages over `documents` (as stored, `_rid` included). */
function libraryPages(documents: Doc[], sql: string, parameters: SqlParameter[], maxItemCount: number): string[][] {
  const results: string[][] = [];
  let continuation: Page['continuation'] = null;
  do {
    const page: Page = library(sql).exec(documents, { parameters, maxItemCount, ...(continuation ? { continuation } : {}) });
    results.push(page.result.map((doc) => doc.id));
    continuation = page.continuation;
  } while (continuation);
  return results;
}

async function stored(container: Container, tenantId: string): Promise<Doc[]> {
  return (await container.items.query<Doc>('SELECT * FROM c', { partitionKey: [tenantId] }).fetchAll()).resources;
}

describe('local Cosmos DB server: ORDER BY pages from a range index (cosmos-ordered-query)', () => {
  const cosmos = localCosmosForEachTest();
  afterEach(() => onDocumentsRead(undefined));

  it('answers every page as the package would (same documents, same order, ties by _rid), for either direction, with filters and mixed value types', async () => {
    // Indexed on every path (the default policy), keyed [/tenantId, /applicationId].
    const container = cosmos.container('scheduledCalls');
    const rank = fc.oneof(fc.constant(undefined), fc.constant(null), fc.boolean(), fc.integer({ min: 0, max: 6 }), fc.constantFrom('a', 'b', 'c'));
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(rank, { minLength: 0, maxLength: 70 }), fc.integer({ min: 1, max: 25 }), fc.boolean(), fc.constantFrom('', 'WHERE c.n % 3 = 0', 'WHERE c.n > 1000'), async (ranks, maxItemCount, descending, where) => {
        run += 1;
        const tenantId = `t${run}`;
        for (const [i, value] of ranks.entries()) {
          await container.items.create({ id: `d${i}`, tenantId, applicationId: `app-${i}`, n: i, ...(value === undefined ? {} : { rank: value }) });
        }
        await container.items.create({ id: 'other', tenantId: `other-${run}`, applicationId: 'app-0', n: 0, rank: 1 });
        const sql = `SELECT * FROM c ${where} ORDER BY c.rank ${descending ? 'DESC' : 'ASC'}`;
        const served = await pages(container, sql, [], [tenantId], maxItemCount);
        expect(served.results).toEqual(libraryPages(await stored(container, tenantId), sql, [], maxItemCount));
        if (where === '') expect(Math.max(...served.read)).toBeLessThanOrEqual(maxItemCount + 1);
      }),
      { numRuns: 40 },
    );
  });

  it('keeps the index right through creates, replaces and deletes between pages: the next page is what the package answers from the same token', async () => {
    const container = cosmos.container('scheduledCalls');
    const tenantId = 'acme';
    for (let i = 0; i < 60; i += 1) await container.items.create({ id: `d${i}`, tenantId, applicationId: `app-${i}`, n: i, rank: i % 7 });
    const sql = 'SELECT * FROM c WHERE c.tenantId = @tenantId ORDER BY c.rank DESC';
    const parameters = [{ name: '@tenantId', value: tenantId }];
    const expected: string[][] = [];
    let continuation: Page['continuation'] = null;
    const served = await pages(container, sql, parameters, [tenantId], 10, async (page) => {
      // What the package answers for the page just served, and its token, before the writes.
      const before = library(sql).exec(await stored(container, tenantId), { parameters, maxItemCount: 10, ...(continuation ? { continuation } : {}) });
      expected.push(before.result.map((doc) => doc.id));
      continuation = before.continuation;
      await container.item(`d${page}`, [tenantId, `app-${page}`]).replace({ id: `d${page}`, tenantId, applicationId: `app-${page}`, n: page, rank: 6 - (page % 7) });
      await container.item(`d${59 - page}`, [tenantId, `app-${59 - page}`]).delete();
      await container.items.create({ id: `new${page}`, tenantId, applicationId: `app-new${page}`, n: 100 + page, rank: page % 5 });
    });
    // The last page, after the last writes.
    expected.push(library(sql).exec(await stored(container, tenantId), { parameters, maxItemCount: 10, ...(continuation ? { continuation } : {}) }).result.map((doc) => doc.id));
    expect(served.results).toEqual(expected);
    expect(served.results.flat().length).toBeGreaterThan(40);
  });

  it('reads a page and one more document per page, not the scope; a query it cannot serve reads the whole scope', async () => {
    const container = cosmos.container('applications');
    const created = (tenantId: string, i: number) => container.items.create({ id: `d${i}`, tenantId, applicationId: `app-${i}`, n: i, createdAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString() });
    for (let i = 0; i < 240; i += 1) await created('acme', i);
    for (let i = 0; i < 400; i += 1) await created(`other-${i % 4}`, i);
    const sql = 'SELECT * FROM c WHERE c.tenantId = @tenantId ORDER BY c.createdAt DESC';
    const parameters = [{ name: '@tenantId', value: 'acme' }];

    const board = await pages(container, sql, parameters, ['acme'], 50);
    expect(board.results.map((page) => page.length)).toEqual([50, 50, 50, 50, 40]);
    expect(board.results.flat()).toEqual(Array.from({ length: 240 }, (_, i) => `d${239 - i}`));
    expect(board.read).toEqual([51, 51, 51, 51, 40]);

    // The whole container, newest first: still a page and one.
    const all = await pages(container, 'SELECT * FROM c ORDER BY c.createdAt DESC', [], undefined, 50);
    expect(all.read[0]).toBe(51);
    expect(all.results.flat().length).toBe(640);

    // A filter that half the documents pass reads about twice the page (batches sized by the matches so far), not the 240.
    const even = await pages(container, `${sql.replace('ORDER', 'AND c.n % 2 = 0 ORDER')}`, parameters, ['acme'], 50);
    expect(even.results.flat()).toEqual(Array.from({ length: 120 }, (_, i) => `d${238 - 2 * i}`));
    expect(even.read[0]).toBeLessThan(2 * 51 + 10);

    // A projection is the package's: it reads the tenant's 240 documents for each page.
    const projected = await pages(container, 'SELECT c.id FROM c ORDER BY c.createdAt DESC', [], ['acme'], 50);
    expect(projected.results.flat()).toEqual(board.results.flat());
    expect(projected.read[0]).toBe(240);
  });

  it("refuses, as Azure does, an ORDER BY on a path the container's indexing policy leaves out; the policy is the Bicep's", async () => {
    const applications = cosmos.container('applications');
    const definition = containers.find((container) => container.id === 'applications')!;
    const { resource } = await applications.read();
    expect({ includedPaths: resource?.indexingPolicy?.includedPaths, excludedPaths: resource?.indexingPolicy?.excludedPaths }).toEqual({
      includedPaths: indexingPolicyOf(definition).includedPaths,
      excludedPaths: indexingPolicyOf(definition).excludedPaths,
    });
    await applications.items.create({ id: 'd1', tenantId: 'acme', applicationId: 'app-1', createdAt: '2026-01-01T00:00:00.000Z', rank: 1 });
    const refused = await applications.items.query('SELECT * FROM c ORDER BY c.rank', { partitionKey: ['acme'], maxItemCount: 10 }).fetchNext().then(
      () => undefined,
      (error: { code?: number; body?: { message?: string } }) => error,
    );
    expect(refused?.code).toBe(400);
    expect(refused?.body?.message).toContain('The index path corresponding to the specified order-by item is excluded.');
    // The path the board sorts on is indexed; a filter on a path left out still answers (Azure reads the documents).
    expect((await applications.items.query('SELECT * FROM c WHERE c.rank = 1 ORDER BY c.createdAt DESC', { partitionKey: ['acme'] }).fetchAll()).resources.map((d) => d.id)).toEqual(['d1']);
  });

  it('gives a container kept from an older version the indexing policy of the definition at start, its documents kept', async () => {
    const applications = cosmos.container('applications');
    await applications.items.create({ id: 'd1', tenantId: 'acme', applicationId: 'app-1', createdAt: '2026-01-01T00:00:00.000Z', rank: 1 });
    const { resource } = await applications.read();
    await applications.replace({ id: 'applications', partitionKey: resource!.partitionKey!, indexingPolicy: { includedPaths: [{ path: '/*' }], excludedPaths: [] } });
    expect((await cosmos.container('applications').read()).resource?.indexingPolicy?.excludedPaths).toEqual([]);
    await cosmos.restart();
    const restarted = cosmos.container('applications');
    expect((await restarted.read()).resource?.indexingPolicy?.excludedPaths).toEqual([{ path: '/*' }]);
    expect((await restarted.item('d1', ['acme', 'app-1']).read()).resource).toMatchObject({ id: 'd1', rank: 1 });
  });
});

describe('range index (cosmos-ordered-index)', () => {
  const item = (value: unknown) => ({ read: () => (value === undefined ? { id: 'x' } : { id: 'x', rank: value }) });

  it('walks any sequence of sets and deletes in the order of a full sort, from any position, both ways', () => {
    const value = fc.oneof(fc.constant(undefined), fc.constant(null), fc.boolean(), fc.integer({ min: -3, max: 3 }), fc.constantFrom('a', 'b'));
    const operation = fc.oneof(fc.record({ set: fc.integer({ min: 0, max: 30 }), value }), fc.record({ delete: fc.integer({ min: 0, max: 30 }) }));
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 80 }), fc.integer({ min: 0, max: 80 }), fc.boolean(), fc.integer({ min: 0, max: 40 }), (operations, builtAfter, descending, fromAt) => {
        const map = new OrderedItems<ReturnType<typeof item>>();
        const values = new Map<string, unknown>();
        operations.forEach((op, i) => {
          if (i === builtAfter) map.ordered(['rank']);
          const rid = `r${String('set' in op ? op.set : op.delete).padStart(2, '0')}`;
          if ('set' in op) {
            map.set(rid, item(op.value));
            values.set(rid, op.value);
          } else {
            map.delete(rid);
            values.delete(rid);
          }
        });
        const sorted = [...values].filter(([, v]) => v !== undefined).sort(([ra, a], [rb, b]) => (descending ? compareValues(b, a) : compareValues(a, b)) || compareValues(ra, rb));
        const walked = [...map.ordered(['rank']).walk(descending)].map((entry) => entry.rid);
        expect(walked).toEqual(sorted.map(([rid]) => rid));
        const from = sorted[fromAt];
        if (from !== undefined) {
          expect([...map.ordered(['rank']).walk(descending, { value: from[1], rid: from[0] })].map((entry) => entry.rid)).toEqual(sorted.slice(fromAt).map(([rid]) => rid));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('leaves arrays and objects to the package (counted as unranged), and forgets them when they go', () => {
    const map = new OrderedItems<ReturnType<typeof item>>();
    map.set('r1', item([1]));
    map.set('r2', item(2));
    const index = map.ordered(['rank']);
    expect(index.unranged).toBe(1);
    map.set('r3', item({ a: 1 }));
    expect(index.unranged).toBe(2);
    map.set('r1', item(1));
    map.delete('r3');
    expect(index.unranged).toBe(0);
    expect([...index.walk(false)].map((entry) => entry.rid)).toEqual(['r1', 'r2']);
  });
});
