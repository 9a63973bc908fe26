import { createRequire } from 'node:module';

/**
 * The query library behind `@vercel/cosmosdb-server` (`@zeit/cosmosdb-query`) compiles `FROM`
 * and `JOIN` into `rows.reduce(($, c) => [...$, { c }], [])`: every row copies the accumulator,
 * so a query over n documents costs n² (COUNT over 20k documents took 9 s). This rewrites the
 * compiled JavaScript tree before code generation: an accumulator spread `[...$, x, ...y]` inside
 * a `reduce` step becomes `($.push(x, ...y), $)`. The accumulator is the fresh `[]` each `reduce`
 * starts from, so pushing into it is the same result in linear time. The same library copies
 * every result array the same way when it strips `undefined` from it (`helpers.stripUndefined`):
 * replaced by a one-pass copy with the same result; and `COUNT` filters its n values into a new
 * array to take its length: counted in place instead (arrays of more than 16k elements are large
 * objects on pages fresh from the OS, about 13 µs per 4 KB page fault on this machine: measured).
 *
 * An aggregate without ORDER BY (`SELECT VALUE COUNT(1) FROM c`) gets no `_rid` sort: the library
 * sorts every row by `_rid` first, for stable paging, but an aggregate answers one row and no
 * continuation. That sort was most of a COUNT over 50k documents, and not linear (n log n
 * comparisons, each reading two documents scattered over the heap: measured).
 */
type Node = { type: string; [key: string]: unknown };

const require = createRequire(import.meta.url);
const transformer = require('@zeit/cosmosdb-query/lib/transformer') as { default: (sqlAst: unknown) => Node; __linear?: true };
const helpers = require('@zeit/cosmosdb-query/lib/helpers') as { stripUndefined: (value: unknown) => unknown };
const aggregates = require('@zeit/cosmosdb-query/lib/aggregate-functions') as { COUNT: (values: readonly unknown[]) => number };

export function installLinearQueries(): void {
  if (transformer.__linear) return;
  const original = transformer.default;
  transformer.default = (sqlAst) => linearized(original(sqlAst));
  transformer.__linear = true;
  helpers.stripUndefined = stripUndefined;
  aggregates.COUNT = count;
}

/** `COUNT` (the values that are not undefined) without filtering them into another array first. */
function count(values: readonly unknown[]): number {
  let defined = 0;
  for (const value of values) if (value !== undefined) defined += 1;
  return defined;
}

function linearized(node: Node): Node {
  walk(node, (current) => {
    if (current.type === 'AssignmentExpression') {
      current['right'] = withoutAggregateRidSort(current);
      return;
    }
    if (current.type !== 'ArrowFunctionExpression') return;
    const params = current['params'] as Node[];
    const accumulator = params[0];
    if (accumulator?.type !== 'Identifier') return;
    current['body'] = rewriteBody(current['body'] as Node, accumulator['name'] as string);
  });
  return node;
}

/**
 * An aggregation keeps its rows in `$__` before aggregating them (`$__ = rows, [COUNT($__…)]`);
 * without ORDER BY the rows are `$h.sort(rows, ridOf)` (two arguments: by `_rid` only). That
 * assignment gets the rows as they are.
 */
function withoutAggregateRidSort(assignment: Node): Node {
  const left = assignment['left'] as Node;
  const right = assignment['right'] as Node;
  if (left.type !== 'Identifier' || left['name'] !== '$__' || right.type !== 'CallExpression') return right;
  const callee = right['callee'] as Node;
  const args = right['arguments'] as Node[];
  const object = callee['object'] as Node | undefined;
  const property = callee['property'] as Node | undefined;
  const ridSort = callee.type === 'MemberExpression' && object?.['name'] === '$h' && property?.['name'] === 'sort' && args.length === 2;
  return ridSort ? args[0]! : right;
}

/** `helpers.stripUndefined` in one pass: arrays and objects copied without their `undefined` values. */
function stripUndefined(value: unknown): unknown {
  if (Array.isArray(value)) {
    const kept: unknown[] = [];
    for (const item of value) if (item !== undefined) kept.push(stripUndefined(item));
    return kept;
  }
  if (value !== null && typeof value === 'object') {
    const kept: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) kept[key] = stripUndefined(item);
    return kept;
  }
  return value;
}

/** `[...$, a, ...b]` → `($.push(a, ...b), $)`, also as either branch of a conditional body. */
function rewriteBody(body: Node, accumulator: string): Node {
  if (body.type === 'ConditionalExpression') {
    return { ...body, consequent: rewriteBody(body['consequent'] as Node, accumulator), alternate: rewriteBody(body['alternate'] as Node, accumulator) };
  }
  if (body.type !== 'ArrayExpression') return body;
  const [first, ...rest] = body['elements'] as Node[];
  const spreadsAccumulator = first?.type === 'SpreadElement' && (first['argument'] as Node).type === 'Identifier' && (first['argument'] as Node)['name'] === accumulator;
  if (!spreadsAccumulator) return body;
  const self = { type: 'Identifier', name: accumulator };
  const push = {
    type: 'CallExpression',
    callee: { type: 'MemberExpression', object: self, property: { type: 'Identifier', name: 'push' }, computed: false },
    arguments: rest,
  };
  return { type: 'SequenceExpression', expressions: [push, { ...self }] };
}

function walk(node: unknown, visit: (node: Node) => void): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const current = node as Node;
  if (typeof current.type === 'string') visit(current);
  for (const [key, value] of Object.entries(current)) {
    if (key === 'loc' || key === 'start' || key === 'end') continue;
    if (value !== null && typeof value === 'object') walk(value, visit);
  }
}
