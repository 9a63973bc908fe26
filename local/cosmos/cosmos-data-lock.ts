import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One server per data folder: two writers appending to one journal would corrupt it. The lock
 * file holds the owner's pid; a lock left by a process that no longer exists (killed with
 * SIGKILL) is taken over. Returns the release function.
 */
export function acquireDataLock(directory: string): () => void {
  const path = join(directory, 'server.lock');
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number(readFileSync(path, 'utf8').trim());
    if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
      throw new Error(`Cosmos DB data folder ${directory} is in use by process ${owner} (remove ${path} if that process is not a Stageline host)`);
    }
    rmSync(path, { force: true });
  }
  throw new Error(`Cosmos DB data folder ${directory}: could not take ${path}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
