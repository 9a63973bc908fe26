import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite } from '../../local/azurite/azurite-launcher.ts';
import { makeTempDir, startTestAzurite, type TestAzurite } from './blob-support/azurite-fixture.ts';
import { isProcessAlive, waitUntilGone } from './blob-support/process-state.ts';

describe('startAzurite', () => {
  let shared: TestAzurite;
  const scratchDirs: string[] = [];

  beforeAll(async () => {
    shared = await startTestAzurite('launcher');
  });

  afterAll(async () => {
    await shared?.dispose();
    await Promise.all(scratchDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('serves blob storage to the real SDK on loopback and keeps the data under <dataDir>/azurite', async () => {
    const { azurite } = shared;
    expect(azurite.blobEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
    expect(azurite.connectionString).toContain(`BlobEndpoint=${azurite.blobEndpoint};`);
    expect(azurite.connectionString).toContain(`QueueEndpoint=${azurite.queueEndpoint};`);
    expect(azurite.connectionString).toContain(`TableEndpoint=${azurite.tableEndpoint};`);

    const client = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const container = client.getContainerClient('launcher-check');
    await container.create();
    await container.getBlockBlobClient('cv/ada.txt').upload('Ada Lovelace', 12, { blobHTTPHeaders: { blobContentType: 'text/plain' } });

    const names: string[] = [];
    for await (const item of container.listBlobsFlat()) names.push(item.name);
    expect(names).toEqual(['cv/ada.txt']);
    const downloaded = await container.getBlobClient('cv/ada.txt').downloadToBuffer();
    expect(downloaded.toString('utf8')).toBe('Ada Lovelace');
    expect(existsSync(join(shared.dataDir, 'azurite', '__blobstorage__'))).toBe(true);
    expect(existsSync(join(shared.dataDir, 'azurite', '__azurite_db_blob__.json'))).toBe(true);
  });

  it('answers on the queue endpoint too (a request without credentials is refused, not unanswered)', async () => {
    const response = await fetch(`${shared.azurite.queueEndpoint}?comp=list`);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('AuthenticationFailed');
  });

  it('fails with a message naming the port when the blob port is taken, leaving the first instance intact', async () => {
    const dataDir = await makeTempDir('launcher-busy');
    scratchDirs.push(dataDir);
    const busyPort = Number(new URL(shared.azurite.blobEndpoint).port);

    await expect(startAzurite({ dataDir, blobPort: busyPort })).rejects.toThrow(
      new RegExp(`blob port ${busyPort} on 127\\.0\\.0\\.1 is already in use`),
    );

    const stillThere = await shared.blobService.getContainerClient('launcher-check').getBlobClient('cv/ada.txt').downloadToBuffer();
    expect(stillThere.toString('utf8')).toBe('Ada Lovelace');
    expect(existsSync(join(dataDir, 'azurite', '__azurite_db_blob__.json'))).toBe(false);
  });

  it('reports an Azurite that exits while starting with its log file and last lines', async () => {
    const dataDir = await makeTempDir('launcher-corrupt');
    scratchDirs.push(dataDir);
    mkdirSync(join(dataDir, 'azurite'), { recursive: true });
    writeFileSync(join(dataDir, 'azurite', '__azurite_db_blob__.json'), '{not json');
    const logFile = join(dataDir, 'logs', 'azurite-debug.log');

    const failure = await startAzurite({ dataDir, logFile }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );

    expect(failure).toBeInstanceOf(Error);
    expect(failure?.message).toContain('Azurite exited before it was ready');
    expect(failure?.message).toContain(`See its log: ${logFile}`);
    expect(failure?.message).toContain('Exit due to unhandled error');
    expect(readFileSync(logFile, 'utf8')).toContain('Exit due to unhandled error');
  });

  it('stop() ends the process and the endpoint stops answering', async () => {
    const own = await startTestAzurite('launcher-stop');
    const { pid, blobEndpoint } = own.azurite;
    expect(isProcessAlive(pid)).toBe(true);

    await own.dispose();

    expect(isProcessAlive(pid)).toBe(false);
    await expect(fetch(`${blobEndpoint}?comp=list`)).rejects.toThrow();
    await own.azurite.stop(); // idempotent
  });

  it('leaves no Azurite behind when the launching process exits normally without stop()', async () => {
    const dataDir = await makeTempDir('launcher-orphan');
    scratchDirs.push(dataDir);
    const script = fileURLToPath(new URL('./blob-support/azurite-child-script.ts', import.meta.url));
    const parent = spawn(process.execPath, [script, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    parent.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    parent.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    const exitCode = await new Promise<number | null>((done) => parent.once('exit', (code) => done(code)));

    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    const { pid, logFile } = JSON.parse(stdout.trim()) as { pid: number; logFile: string };
    expect(await waitUntilGone(pid, 15_000)).toBe(true);
    // It shut down through its own handler, not by being killed mid-write.
    expect(readFileSync(logFile, 'utf8')).toContain('Azurite Blob service successfully closed');
  });
});
