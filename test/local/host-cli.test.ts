import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'stageline-cli-'));

function runHost(args: string[]) {
  return spawnSync(process.execPath, ['local/main.ts', '--data-dir', dataDir, '--ephemeral-ports', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
}

describe('npm start errors', () => {
  let blocker: Server;
  let port: number;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    port = (blocker.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((r) => blocker.close(r));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('names the port in use, without a stack trace, and exits 1 leaving no child running', () => {
    const result = runHost(['--port', String(port)]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`Port ${port} on 127.0.0.1 is in use`);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    const survivors = spawnSync('pgrep', ['-f', dataDir], { encoding: 'utf8' });
    expect(survivors.stdout.trim()).toBe('');
  });

  it('rejects a malformed --port with usage advice', () => {
    const result = runHost(['--port', 'seventy']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--port must be a whole number');
  });

  it('prints usage for --help', () => {
    const result = runHost(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('--reset');
  });
});
