import { describe, expect, it } from 'vitest';
import { boardQuerySpec } from '../../../shared/stages/adapters/cosmos-board-query.ts';
import type { ApplicationQuery } from '../../../shared/stages/ports/application-repository.port.ts';
import { containers } from '../../../shared/platform/cosmos-containers.ts';

/**
 * `applications` indexes only what the board query filters and sorts on (cosmos-containers.ts).
 * The local server refuses an ORDER BY on a path left out (as Azure does), but a filter on one
 * answers there and in Azure alike, by reading every document of the tenant: nothing else would
 * notice it. Every path of every shape the board query takes is checked here.
 */
const indexed: ReadonlySet<string> = new Set<string>(containers.find((container) => container.id === 'applications')!.indexedPaths);

/** The document paths a query names, as index paths: `c.jobId` → `/jobId/?`, `s.type` (a stage) → `/stages/[]/type/?`. */
function pathsOf(sql: string): { filtered: string[]; ordered: string[] } {
  const [where, orderBy = ''] = sql.split(/ ORDER BY /);
  const scalar = (text: string) => [
    // `c.stages` itself is only iterated (`IN c.stages`) or measured (`ARRAY_LENGTH(c.stages)`): no scalar index needed.
    ...[...text.matchAll(/\bc\.(\w+)/g)].map((match) => match[1]!).filter((name) => name !== 'stages').map((name) => `/${name}/?`),
    ...[...text.matchAll(/\bs\.(\w+)/g)].map((match) => `/stages/[]/${match[1]}/?`),
  ];
  return { filtered: scalar(where!), ordered: scalar(orderBy) };
}

const everyFilter: ApplicationQuery = {
  tenantId: 'acme',
  jobId: 'job-1',
  candidateId: 'cand-1',
  stageType: 'live_interview',
  stageStatus: 'scheduled',
  limit: 50,
  legacyShapes: [
    { legacyStatus: 'interview_scheduled', hasScheduledCall: true },
    { legacyStatus: 'screening', hasScheduledCall: false },
    { legacyStatus: 'applied', hasScheduledCall: true },
    { legacyStatus: 'applied', hasScheduledCall: false },
    { legacyStatus: undefined, hasScheduledCall: false },
  ],
};

describe('the applications index covers the board query', () => {
  for (const model of ['stages', 'legacy'] as const) {
    it(`names only indexed paths, its ORDER BY included (${model} read model, every filter)`, () => {
      const { filtered, ordered } = pathsOf(boardQuerySpec(everyFilter, model).query);
      expect(ordered).toEqual(['/createdAt/?']);
      expect(filtered.length).toBeGreaterThan(3);
      expect([...new Set([...filtered, ...ordered])].filter((path) => !indexed.has(path))).toEqual([]);
    });
  }

  it('finds a path the index leaves out (the check itself)', () => {
    const { filtered } = pathsOf('SELECT * FROM c WHERE c.tenantId = @t AND EXISTS(SELECT VALUE s FROM s IN c.stages WHERE s.title = @x) ORDER BY c.createdAt DESC');
    expect(filtered.filter((path) => !indexed.has(path))).toEqual(['/stages/[]/title/?']);
  });
});
