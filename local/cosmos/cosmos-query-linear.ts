import { createRequire } from 'node:module';

/**
 * The query library behind `@vercel/cosmosdb-server` (`@zeit/cosmosdb-query`) compiles `FROM`
 * and `JOIN` into `rows.reduce(($, c) => [...$, { c }], [])`: every row copies the accumulator,
 * so a query over n documents costs n² (COUNT over 20k documents took 9 s). This rewrites the
 * compiled JavaScript tree before code generation: an accumulator spread `[...$, x, ...y]` inside
 * a `reduce` step becomes `($.push(x, ...y), $)`. The accumulator is the fresh `[]` each `reduce`
 * starts from, so pushing into it is the same result in linear time.
 */
type Node = { type: string; [key: string]: unknown };

const require = createRequire(import.meta.url);
const transformer = require('@zeit/cosmosdb-query/lib/transformer') as { default: (sqlAst: unknown) => Node; __linear?: true };

export function installLinearQueries(): void {
  if (transformer.__linear) return;
  const original = transformer.default;
  transformer.default = (sqlAst) => linearized(original(sqlAst));
  transformer.__linear = true;
}

function linearized(node: Node): Node {
  walk(node, (current) => {
    if (current.type !== 'ArrowFunctionExpression') return;
    const params = current['params'] as Node[];
    const accumulator = params[0];
    if (accumulator?.type !== 'Identifier') return;
    current['body'] = rewriteBody(current['body'] as Node, accumulator['name'] as string);
  });
  return node;
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
