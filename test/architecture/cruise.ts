import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const repositoryRoot = resolve(import.meta.dirname, '..', '..');
const cli = resolve(repositoryRoot, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs');
const config = resolve(repositoryRoot, '.dependency-cruiser.cjs');

interface CruiseOutput {
  modules: Array<{ source: string; dependencies: Array<{ module: string; couldNotResolve: boolean }> }>;
  summary: { violations: Array<{ rule: { name: string }; from: string; to: string }>; totalCruised: number };
}

export interface Cruise {
  totalCruised: number;
  /** `rule: from -> to`, sorted; a package is shown by its name (`@azure/cosmos`), wherever node_modules is. */
  violations: string[];
  /** Imports dependency-cruiser could not resolve (`from -> specifier`): a fixture with one proves nothing. */
  unresolved: string[];
}

/** A package path (`../../node_modules/@azure/cosmos/dist/index.js`) as its package name. */
function packageName(path: string): string {
  const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return match ? match[1]! : path;
}

/**
 * Runs dependency-cruiser with the repository's config over `functions`, `shared` and `local`
 * (those that exist) under `cwd`, as `npm run depcruise` does for the repository root.
 */
export function cruise(cwd: string = repositoryRoot): Cruise {
  const folders = ['functions', 'shared', 'local'].filter((folder) => existsSync(resolve(cwd, folder)));
  const output = execFileSync(process.execPath, [cli, ...folders, '--config', config, '--output-type', 'json'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const result = JSON.parse(output) as CruiseOutput;
  return {
    totalCruised: result.summary.totalCruised,
    violations: result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${packageName(v.to)}`).sort(),
    unresolved: result.modules.flatMap((m) => m.dependencies.filter((d) => d.couldNotResolve).map((d) => `${m.source} -> ${d.module}`)),
  };
}
