import type { ContainerDefinition } from './cosmos-containers.ts';

/** A container's indexing policy as Azure Cosmos DB takes it (the parts Stageline sets). */
export interface IndexingPolicy {
  readonly indexingMode: 'consistent';
  readonly automatic: true;
  readonly includedPaths: readonly { readonly path: string }[];
  readonly excludedPaths: readonly { readonly path: string }[];
}

/**
 * The policy `infra/modules/cosmos.bicep` gives a container: its `indexedPaths` included and
 * every other path excluded, or without them the default (every path, the system `_etag` excluded).
 */
export function indexingPolicyOf(definition: Pick<ContainerDefinition, 'indexedPaths'>): IndexingPolicy {
  if (definition.indexedPaths === undefined) {
    return { indexingMode: 'consistent', automatic: true, includedPaths: [{ path: '/*' }], excludedPaths: [{ path: '/"_etag"/?' }] };
  }
  return { indexingMode: 'consistent', automatic: true, includedPaths: definition.indexedPaths.map((path) => ({ path })), excludedPaths: [{ path: '/*' }] };
}

/**
 * Whether a policy indexes the value at `path` (property names from the document's root, `[]`
 * for any array position): Azure's rule, the most precise matching path wins, included or
 * excluded — more named segments first, then `/?` (that value) over `/*` (everything below).
 * A path no entry matches is not indexed.
 */
export function isIndexedPath(policy: Partial<Pick<IndexingPolicy, 'includedPaths' | 'excludedPaths'>>, path: readonly string[]): boolean {
  let best: { precision: number; included: boolean } | undefined;
  const consider = (entries: readonly { readonly path: string }[] | undefined, included: boolean) => {
    for (const entry of entries ?? []) {
      const precision = matchPrecision(entry.path, path);
      if (precision !== undefined && (best === undefined || precision > best.precision)) best = { precision, included };
    }
  };
  consider(policy.excludedPaths, false);
  consider(policy.includedPaths, true);
  return best?.included ?? false;
}

/** How precisely a policy path (`/a/[]/b/?`, `/a/*`, `/"_etag"/?`) matches `path`: undefined when it does not. */
function matchPrecision(policyPath: string, path: readonly string[]): number | undefined {
  const segments = policyPath.split('/').slice(1).map((segment) => (segment.startsWith('"') && segment.endsWith('"') ? segment.slice(1, -1) : segment));
  const last = segments.pop();
  if (last !== '?' && last !== '*') return undefined;
  if (last === '?' ? segments.length !== path.length : segments.length > path.length) return undefined;
  if (segments.some((segment, i) => segment !== path[i])) return undefined;
  // Twice the named segments, plus one for an exact value: `/a/?` (3) beats `/a/*` (2) beats `/*` (0).
  return segments.length * 2 + (last === '?' ? 1 : 0);
}
