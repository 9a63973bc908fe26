import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const tier = join(root, 'test', 'shared');

/** What a test file may not do when it shares its worker's module cache and globals with others. */
const LEAKS = /\bvi\.(mock|doMock|unmock|stubGlobal|stubEnv|useFakeTimers)\s*\(|\bprocess\.env\.[A-Za-z_]+\s*=(?!=)|\bglobalThis\.[A-Za-z_]+\s*=(?!=)/;
/** Spies on shared objects (`Date.now`, `console`) are allowed when the file restores them. */
const SPIES = /\bvi\.spyOn\s*\(/;
const RESTORES = /\bvi\.restoreAllMocks\s*\(|\.mockRestore\s*\(/;

/** Why `source` cannot share a worker, or undefined when it can. */
function leakOf(source: string): string | undefined {
  if (LEAKS.test(source)) return 'mocks a module, stubs a global or the environment, or fakes the timers';
  if (SPIES.test(source) && !RESTORES.test(source)) return 'spies without restoring';
  return undefined;
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? testFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * vitest.config.ts runs test/shared without per-file isolation (project `shared`): its files
 * share a worker's modules and globals. That is only sound while none of them mocks a module,
 * stubs a global or the environment, or fakes the timers, and each restores what it spies on
 * (files in one worker run one after another, so a spy restored after its test is gone before
 * the next file starts).
 */
describe('the test/shared tier can share workers', () => {
  it('no file in test/shared mocks modules, stubs globals or the environment, fakes timers or leaves a spy in place', () => {
    const offenders = testFiles(tier)
      .map((file) => ({ file: relative(root, file), leak: leakOf(readFileSync(file, 'utf8')) }))
      .filter((found) => found.leak !== undefined);
    expect(offenders).toEqual([]);
  });

  it('finds such a use when there is one (the check can fail)', () => {
    expect(leakOf("vi.mock('../x.ts');")).toBeDefined();
    expect(leakOf('vi.useFakeTimers();')).toBeDefined();
    expect(leakOf("process.env.STAGELINE_ENVIRONMENT = 'azure';")).toBeDefined();
    expect(leakOf("vi.spyOn(Date, 'now');")).toBe('spies without restoring');
    expect(leakOf("vi.spyOn(Date, 'now'); afterEach(() => vi.restoreAllMocks());")).toBeUndefined();
    expect(leakOf("if (process.env.CI === 'true') {}")).toBeUndefined();
  });

  it('vitest.config.ts turns isolation off for test/shared only', () => {
    const config = readFileSync(join(root, 'vitest.config.ts'), 'utf8');
    expect(config).toMatch(/name: 'shared', include: \['test\/shared\/\*\*\/\*\.test\.ts'\], isolate: false/);
    expect(config).toMatch(/name: 'system',[^\n]*exclude: \['test\/shared\/\*\*'\]/);
  });
});
