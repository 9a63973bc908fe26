import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** The last `lineCount` lines of a (possibly large) log file; empty when it cannot be read. */
export function tailLines(path: string, lineCount: number, maxBytes = 64 * 1024): string[] {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
    return lines.slice(-lineCount);
  } catch {
    return [];
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `listen EADDRINUSE: address already in use 127.0.0.1:10000` → 10000. */
export function portInUseFromLog(lines: readonly string[]): number | undefined {
  for (const line of lines) {
    const match = /EADDRINUSE[^\n]*?:(\d+)\s*$/.exec(line.trim());
    if (match?.[1]) return Number(match[1]);
  }
  return undefined;
}
