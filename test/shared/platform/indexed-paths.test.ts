import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { containers, type ContainerDefinition } from '../../../shared/platform/cosmos-containers.ts';

/**
 * A container that declares `indexedPaths` is indexed on those paths only (Azure: included
 * paths, `/*` excluded). The local server refuses an ORDER BY on another path as Azure does,
 * but a filter on one answers there and in Azure alike, by reading every document of the
 * partition: a cost no local test would see. Every query text in the files that query such a container is checked here; the board
 * query, built from parts, is also checked shape by shape (`test/shared/stages/board-query-index.test.ts`).
 */
const QUERIES_OF: Record<string, readonly string[]> = {
  applications: ['shared/stages/adapters/cosmos-board-query.ts'],
  inbox: ['shared/notifications/adapters/cosmos-inbox-store.adapter.ts'],
  timeline: ['shared/timeline/adapters/cosmos-timeline-store.adapter.ts'],
  stageSla: ['shared/events/adapters/cosmos-stage-sla-store.adapter.ts'],
  calendarConnections: ['shared/scheduling/adapters/cosmos-connection-store.adapter.ts', 'shared/scheduling/use-cases/connection/calendar-reencryptor.ts'],
};

/** `c.jobId` → `/jobId/?`, `c.event.kind` → `/event/kind/?`; a stage in `s IN c.stages` → `/stages/[]/x/?`; `c.stages` itself is only iterated or measured. */
function pathsIn(source: string): string[] {
  const queryLines = source.split('\n').filter((line) => /SELECT|WHERE|ORDER BY|where\.push|stageWhere\.push|conditions\.push|IS_DEFINED/.test(line));
  const text = queryLines.join('\n');
  return [
    ...[...text.matchAll(/\bc\.(\w+(?:\.\w+)*)/g)].map((match) => match[1]!).filter((name) => name !== 'stages').map((name) => `/${name.replaceAll('.', '/')}/?`),
    ...[...text.matchAll(/\bs\.(\w+)/g)].map((match) => `/stages/[]/${match[1]}/?`),
  ];
}

describe('containers indexed on some paths only', () => {
  const narrowed = (containers as readonly ContainerDefinition[]).filter((container) => container.indexedPaths !== undefined);

  it('every one has its query files listed here', () => {
    expect(narrowed.map((container) => container.id).sort()).toEqual(Object.keys(QUERIES_OF).sort());
  });

  for (const container of narrowed) {
    it(`${container.id}: its queries name only indexed paths`, () => {
      const named = new Set(QUERIES_OF[container.id]!.flatMap((file) => pathsIn(readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8'))));
      expect(named.size).toBeGreaterThan(0);
      expect([...named].filter((path) => !container.indexedPaths!.includes(path))).toEqual([]);
    });
  }

  it('finds a path left out (the check itself)', () => {
    expect(pathsIn("const q = 'SELECT * FROM c WHERE c.recipient = @r AND c.event.kind = @k ORDER BY c.priority DESC';")).toEqual(['/recipient/?', '/event/kind/?', '/priority/?']);
  });
});
