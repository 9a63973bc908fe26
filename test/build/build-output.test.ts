import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withLoopbackOnly } from '../support/loopback-only.ts';
import { azureSettings } from '../support/settings-fixtures.ts';

const root = resolve(import.meta.dirname, '..', '..');
const outDir = resolve(root, 'node_modules/.cache/stageline-build-check');
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/**
 * Loads an entry module under the functions-core stand-in and prints the registered functions.
 * Loading builds the services, whose App Configuration gate starts fetching flags from Azure at
 * once (managed identity, then retries): the child exits as soon as it has printed, and the
 * loopback-only guard refuses those calls while it lives.
 */
function registrations(entry: string, env: Record<string, string>): Array<{ name: string; type: string }> {
  const script = `
    const { installFunctionsCoreHook } = await import(${JSON.stringify(resolve(root, 'local/host/register-core-hook.ts'))});
    const { functionRegistry } = await import(${JSON.stringify(resolve(root, 'local/host/function-registry.ts'))});
    installFunctionsCoreHook();
    await import(${JSON.stringify(entry)});
    const found = JSON.stringify(functionRegistry().functions.map((f) => ({ name: f.name, type: f.trigger.type })));
    process.stdout.write(found + '\\n', () => process.exit(0));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: withLoopbackOnly({ PATH: process.env.PATH ?? '', ...env }) });
  return JSON.parse(output.trim().split('\n').at(-1)!);
}

describe('npm run build', () => {
  // A full tsc emit plus two app loads (each waits out the App Configuration provider's credential retry): over 30 s on 2 shared cores.
  it('emits JavaScript that registers exactly the functions the TypeScript sources register', { timeout: 180_000 }, () => {
    execFileSync(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: root, stdio: 'pipe' });
    const built = registrations(resolve(outDir, 'functions/index.js'), azureSettings);
    const source = registrations(resolve(root, 'functions/index.ts'), azureSettings);
    expect(built.map((f) => f.name)).toContain('health');
    expect(built).toEqual(source);
  });

  it('stops loading with one message listing every bad setting', () => {
    let message = '';
    try {
      registrations(resolve(root, 'functions/index.ts'), {});
    } catch (error) {
      message = String((error as { stderr?: string }).stderr);
    }
    expect(message).toContain('Invalid configuration');
    expect(message).toContain('CosmosConnection__accountEndpoint: missing');
    expect(message).toContain('AUTH_AUDIENCE: missing');
  });
});
