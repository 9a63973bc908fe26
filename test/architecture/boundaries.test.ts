import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');

function cruise(): { summary: { violations: Array<{ rule: { name: string }; from: string; to: string }>; totalCruised: number } } {
  const output = execFileSync(process.execPath, [resolve(root, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs'), 'functions', 'shared', 'local', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(output);
}

describe('module boundaries', () => {
  it('keeps shared/ free of functions/, local/ and @azure/functions, and functions/ free of local/', () => {
    const result = cruise();
    expect(result.summary.totalCruised).toBeGreaterThan(10);
    expect(result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
  });
});
