import { describe, expect, it } from 'vitest';
import { indexingPolicyOf, isIndexedPath } from '../../../shared/platform/cosmos-indexing.ts';

describe('indexing policies (Azure: the most precise matching path wins)', () => {
  const path = (text: string) => text.split('/').slice(1);

  it('the default policy indexes every path but the system _etag', () => {
    const policy = indexingPolicyOf({});
    expect(policy).toEqual({ indexingMode: 'consistent', automatic: true, includedPaths: [{ path: '/*' }], excludedPaths: [{ path: '/"_etag"/?' }] });
    for (const indexed of ['/createdAt', '/stages/[]/status', '/a/b/c', '/_ts']) expect(isIndexedPath(policy, path(indexed)), indexed).toBe(true);
    expect(isIndexedPath(policy, ['_etag'])).toBe(false);
  });

  it('indexedPaths index those paths and nothing else (`/*` excluded)', () => {
    const policy = indexingPolicyOf({ indexedPaths: ['/createdAt/?', '/stages/[]/type/?', '/event/*'] });
    expect(policy.excludedPaths).toEqual([{ path: '/*' }]);
    for (const indexed of ['/createdAt', '/stages/[]/type', '/event', '/event/kind', '/event/a/b']) expect(isIndexedPath(policy, path(indexed)), indexed).toBe(true);
    for (const excluded of ['/rank', '/createdAt/x', '/stages/[]/status', '/stages', '/events/kind']) expect(isIndexedPath(policy, path(excluded)), excluded).toBe(false);
  });

  it('an exact path beats a wildcard of the same depth, more named segments beat fewer, and a path nothing matches is not indexed', () => {
    expect(isIndexedPath({ includedPaths: [{ path: '/a/?' }], excludedPaths: [{ path: '/a/*' }] }, ['a'])).toBe(true);
    expect(isIndexedPath({ includedPaths: [{ path: '/a/*' }], excludedPaths: [{ path: '/a/?' }] }, ['a'])).toBe(false);
    expect(isIndexedPath({ includedPaths: [{ path: '/*' }], excludedPaths: [{ path: '/a/*' }] }, ['a', 'b'])).toBe(false);
    expect(isIndexedPath({ includedPaths: [{ path: '/a/b/?' }], excludedPaths: [{ path: '/a/*' }] }, ['a', 'b'])).toBe(true);
    expect(isIndexedPath({ includedPaths: [{ path: '/a/?' }], excludedPaths: [] }, ['b'])).toBe(false);
    expect(isIndexedPath({ includedPaths: [{ path: '/"quoted name"/?' }] }, ['quoted name'])).toBe(true);
  });
});
