import { describe, expect, it } from 'vitest';
import { startHttpInstance, startWorker } from '../../local/host/http-instance.ts';
import type { BackgroundInstanceApi } from '../../local/host/http-instance-thread.ts';

const entry = new URL('./http-support/probe-instance.ts', import.meta.url);
const background = {} as BackgroundInstanceApi;

describe('startHttpInstance (the worker thread\'s life, with a probe thread)', () => {
  it('starts the thread with the loopback guard of this test process, though a setup file installed it', async () => {
    const exits: Error[] = [];
    const instance = await startHttpInstance({ port: 0, host: '127.0.0.1', logToConsole: false, background, onExit: (error) => exits.push(error), entry });
    expect(instance.port).toBe(40_000);
    // The probe's `start` answers whether the guard is installed in its thread.
    expect(await (instance.start as unknown as (settings: object) => Promise<boolean>)({})).toBe(true);
    await instance.stop();
    await instance.stop();
    expect(exits).toEqual([]);
  });

  it('reports an exit nobody asked for once, and fails the calls after it', async () => {
    const exits: Error[] = [];
    const instance = await startHttpInstance({ port: 0, host: '127.0.0.1', logToConsole: false, background, onExit: (error) => exits.push(error), entry });
    await expect(instance.requestCounts(false)).resolves.toEqual({});
    // The probe exits instead of answering this one.
    await expect(instance.requestCounts(true)).rejects.toThrow('The HTTP instance exited (code 3).');
    await waitFor(() => exits.length > 0);
    expect(exits.map((error) => error.message)).toEqual(['The HTTP instance exited (code 3).']);
    await expect(instance.requestCounts(false)).rejects.toThrow('The HTTP instance exited (code 3).');
    await instance.stop();
    expect(exits).toHaveLength(1);
  });
});

describe('startWorker (the flags the HTTP thread is started with)', () => {
  it('leaves out the process-wide V8 flags a worker refuses and keeps the rest', async () => {
    const probe = new URL('./http-support/exec-argv-probe.ts', import.meta.url);
    const worker = startWorker(probe, ['--max-old-space-size=4096', '--expose-gc', '--no-deprecation']);
    const execArgv = await new Promise<string[]>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(execArgv).toEqual(['--no-deprecation']);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let tries = 0; tries < 200 && !condition(); tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
}
