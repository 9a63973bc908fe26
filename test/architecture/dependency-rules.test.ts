import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cruise, repositoryRoot } from './cruise.ts';

/**
 * Each rule in .dependency-cruiser.cjs is proven by a fixture tree under fixtures/<rule-name>/
 * that breaks that rule and no other; fixtures/clean/ has every allowed kind of import and
 * breaks none. dependency-cruiser runs with the fixture as its working directory, so the
 * `^shared/`, `^functions/` and `^local/` paths in the rules apply to the fixture's folders.
 */
const fixtures = resolve(import.meta.dirname, 'fixtures');

const expected: Record<string, string[]> = {
  'core-stays-vendor-host-free': [
    'core-stays-vendor-host-free: shared/platform/clock.ts -> @azure/functions',
    'core-stays-vendor-host-free: shared/platform/clock.ts -> functions/http/routes.ts',
    'core-stays-vendor-host-free: shared/platform/clock.ts -> local/fakes/fake-clock.ts',
  ],
  'entry-points-never-import-local-host': [
    'entry-points-never-import-local-host: functions/timer.ts -> local/fakes/fake-clock.ts',
  ],
  'domain-is-pure': [
    'domain-is-pure: shared/stages/domain/calls-google.ts -> @googleapis/calendar',
    'domain-is-pure: shared/stages/domain/calls-google.ts -> google-auth-library',
    'domain-is-pure: shared/stages/domain/opens-sockets.ts -> net',
    'domain-is-pure: shared/stages/domain/reads-cosmos.ts -> @azure/cosmos',
    'domain-is-pure: shared/stages/domain/reads-cosmos.ts -> shared/stages/adapters/cosmos-stage-repository.adapter.ts',
    'domain-is-pure: shared/stages/domain/reads-files.ts -> fs',
    'domain-is-pure: shared/stages/domain/runs-use-case.ts -> shared/stages/use-cases/move-stage.ts',
  ],
  'capabilities-meet-at-published-parts': [
    'capabilities-meet-at-published-parts: shared/events/use-cases/publish-outbox.ts -> shared/timeline/adapters/memory-timeline-store.adapter.ts',
    'capabilities-meet-at-published-parts: shared/events/use-cases/publish-outbox.ts -> shared/timeline/timeline.module.ts',
    'capabilities-meet-at-published-parts: shared/events/use-cases/publish-outbox.ts -> shared/timeline/use-cases/append-to-timeline.ts',
  ],
  'platform-below-capabilities': [
    'platform-below-capabilities: shared/platform/validation.ts -> shared/stages/domain/stage.model.ts',
  ],
  'no-circular': [
    'no-circular: local/broker/local-broker.ts -> local/broker/message-pump.ts',
  ],
};

describe('dependency rules, each proven by a fixture', () => {
  it('has one fixture per rule in the config, plus clean', () => {
    const config = createRequire(import.meta.url)(resolve(repositoryRoot, '.dependency-cruiser.cjs')) as { forbidden: Array<{ name: string }> };
    const rules = config.forbidden.map((rule) => rule.name).sort();
    expect(Object.keys(expected).sort()).toEqual(rules);
    expect(readdirSync(fixtures).sort()).toEqual([...rules, 'clean'].sort());
  });

  it('clean: every allowed import (own parts, other capabilities\' domain/ports/api, platform, composition root wiring all) breaks no rule', () => {
    const result = cruise(resolve(fixtures, 'clean'));
    expect(result.unresolved).toEqual([]);
    expect(result.totalCruised).toBeGreaterThanOrEqual(14);
    expect(result.violations).toEqual([]);
  });

  for (const [rule, violations] of Object.entries(expected)) {
    it(`${rule}: its fixture breaks that rule, and only that one`, () => {
      const result = cruise(resolve(fixtures, rule));
      expect(result.unresolved).toEqual([]);
      expect(new Set(result.violations.map((v) => v.split(':')[0]))).toEqual(new Set([rule]));
      expect(result.violations).toEqual(violations);
    });
  }
});
