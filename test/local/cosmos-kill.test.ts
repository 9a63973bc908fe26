import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allDocuments, startLocalCosmos, tempDirectory, type TempDirectory } from './cosmos-support/cosmos-fixtures.ts';
import { stateAfter } from './cosmos-support/writer-operations.ts';

const WRITER = new URL('./cosmos-support/cosmos-kill-writer.ts', import.meta.url).pathname;

/** Runs the writer from `startIndex`, SIGKILLs it after `killAfter` acknowledgements; returns the index after the last acknowledged write. */
async function runAndKill(dataDir: string, startIndex: number, killAfter: number): Promise<number> {
  const child = spawn(process.execPath, [WRITER, dataDir, String(startIndex)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
  let next = startIndex;
  for await (const line of createInterface({ input: child.stdout })) {
    if (!line.startsWith('ack ')) continue;
    expect(Number(line.slice(4))).toBe(next);
    next += 1;
    if (next - startIndex === killAfter) child.kill('SIGKILL');
  }
  const signal = await exited;
  if (signal !== 'SIGKILL') throw new Error(`The writer ended on its own (${signal}): ${stderr}`);
  return next;
}

/** id → version of what the restarted server holds. */
async function storedVersions(dataDir: string): Promise<Map<string, unknown>> {
  const cosmos = await startLocalCosmos(dataDir);
  try {
    return new Map([...(await allDocuments(cosmos.container('applications')))].map(([id, doc]) => [id, doc['version']]));
  } finally {
    await cosmos.stop();
  }
}

describe('local Cosmos DB durability across kill -9', () => {
  let temp: TempDirectory;
  beforeEach(() => void (temp = tempDirectory()));
  afterEach(() => temp.remove());

  it('keeps every acknowledged create, replace and delete of a writer killed mid-work, round after round', async () => {
    let done = 0;
    for (const killAfter of [150, 90, 200]) {
      const acknowledged = await runAndKill(temp.dir, done, killAfter);
      expect(acknowledged - done).toBeGreaterThanOrEqual(killAfter);

      const stored = await storedVersions(temp.dir);
      // The write in flight when the process died may or may not have made it; nothing acknowledged may be missing.
      const withoutInFlight = stateAfter(acknowledged);
      const withInFlight = stateAfter(acknowledged + 1);
      expect([withoutInFlight, withInFlight]).toContainEqual(stored);
      expect(stored.size).toBeGreaterThan(10);
      done = isDeepEqual(stored, withInFlight) && !isDeepEqual(stored, withoutInFlight) ? acknowledged + 1 : acknowledged;
    }
  });
});

function isDeepEqual(a: Map<string, unknown>, b: Map<string, unknown>): boolean {
  return a.size === b.size && [...a].every(([key, value]) => b.get(key) === value);
}
