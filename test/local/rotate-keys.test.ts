import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, seal } from '../../shared/platform/crypto/envelope.ts';
import { createKeyring } from '../../shared/platform/crypto/keyring.ts';
import { channelTokenAad, connectionAad } from '../../shared/scheduling/domain/calendar-connection.ts';
import { startCalendarStack, type CalendarStack } from '../support/calendar-api.ts';

const root = resolve(import.meta.dirname, '..', '..');

function rotate(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['local/rotate-keys.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => done({ code, stdout, stderr }));
  });
}

/** `npm run rotate-keys` against a running local host's data: every sealed calendar value moves to the new key. */
describe('key rotation command', () => {
  let api: CalendarStack;
  let keysFile: string;
  let oldKeys: { current: string; keys: Record<string, string> };
  beforeAll(async () => {
    api = await startCalendarStack();
    await api.connect('acme', 'rec-k', 'rec-k@acme.example');
    await api.connect('acme', 'rec-l', 'rec-l@acme.example');
    keysFile = join(api.dataDir, 'keys', 'encryption.json');
    oldKeys = JSON.parse(readFileSync(keysFile, 'utf8'));
  });
  afterAll(() => api.stop());

  it('adds a key and makes it current (local), then re-seals every token and channel token with it, with a report', async () => {
    const added = await rotate(['--data-dir', api.dataDir, '--add-key', 'k-next']);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain("Added key 'k-next'");
    const keys = JSON.parse(readFileSync(keysFile, 'utf8')) as { current: string; keys: Record<string, string> };
    expect(keys.current).toBe('k-next');
    expect(Object.keys(keys.keys).sort()).toEqual([oldKeys.current, 'k-next'].sort());
    expect((await rotate(['--data-dir', api.dataDir, '--add-key', 'k-next'])).code).toBe(2);

    const run = await rotate(['--data-dir', api.dataDir]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ currentKeyId: 'k-next', failed: 0, reports: [{ name: 'calendar', failed: [] }, { name: 'webhooks', failed: [] }] });
    // Two connections and their two channels.
    expect(report.resealed).toBe(4);
    expect(report.scanned).toBeGreaterThanOrEqual(4);
    expect(run.stderr).toContain('calendar: ');

    const both = createKeyring(keys.keys, 'k-next');
    const oldOnly = createKeyring({ [oldKeys.current]: oldKeys.keys[oldKeys.current]! }, oldKeys.current);
    for (const recruiter of ['rec-k', 'rec-l']) {
      const stored = (await api.stored('calendarConnections', `acme:${recruiter}`, ['acme', recruiter]))!;
      expect(stored['tokens'].kid).toBe('k-next');
      expect(JSON.parse(open(both, stored['tokens'], connectionAad('acme', recruiter, 'tokens')))).toMatchObject({ refreshToken: expect.any(String), accessToken: expect.any(String) });
      expect(() => open(oldOnly, stored['tokens'], connectionAad('acme', recruiter, 'tokens'))).toThrow(/No encryption key 'k-next'/);
    }
    for (const channel of await api.all('calendarChannels')) {
      expect(channel['token'].kid).toBe('k-next');
      expect(open(both, channel['token'], channelTokenAad(String(channel['id'])))).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }

    // Nothing left to do on a second run.
    const again = JSON.parse((await rotate(['--data-dir', api.dataDir])).stdout);
    expect(again).toMatchObject({ resealed: 0, failed: 0 });
  });

  it('reports (and exits 1 on) a record sealed with a key no longer configured, and re-seals the rest', async () => {
    const lost = createKeyring({ lost: randomBytes(32).toString('base64') }, 'lost');
    const deps = api.host.services.scheduling.deps;
    const stored = await deps.connections.get('acme', 'rec-l');
    await deps.connections.replace({ ...stored!.document, tokens: seal(lost, '{"accessToken":"a","refreshToken":"r","expiresAt":"2030-01-01T00:00:00Z"}', connectionAad('acme', 'rec-l', 'tokens')) }, stored!.etag);
    const keys = JSON.parse(readFileSync(keysFile, 'utf8')) as { current: string; keys: Record<string, string> };
    keys.keys['k-third'] = randomBytes(32).toString('base64');
    keys.current = 'k-third';
    writeFileSync(keysFile, JSON.stringify(keys));
    const run = await rotate(['--data-dir', api.dataDir]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.failed).toBe(1);
    expect(report.reports[0].failed).toEqual([{ id: 'calendarConnections/acme:rec-l', reason: expect.stringContaining("No encryption key 'lost'") }]);
    expect(report.resealed).toBe(3);
    expect(run.stderr).toContain('calendarConnections/acme:rec-l');
  });

  it('reads Azure-style settings from the environment and names what is missing', async () => {
    const child = await new Promise<{ code: number | null; stderr: string }>((done) => {
      const proc = spawn(process.execPath, ['local/rotate-keys.ts'], { cwd: root, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      proc.once('exit', (code) => done({ code, stderr }));
    });
    expect(child.code).toBe(2);
    expect(child.stderr).toContain('CosmosConnection__accountEndpoint');
    expect(child.stderr).toContain('ENCRYPTION_KEYS');
    expect(child.stderr).not.toContain('GOOGLE_OAUTH_CLIENT_SECRET');
  });
});
