import { closeSync, existsSync, fstatSync, fsyncSync, openSync, readFileSync, renameSync, truncateSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * An append-only file of JSON lines. `append` returns only once the line is in the file (a
 * synchronous write: the operating system keeps it even if the process is killed with SIGKILL
 * right after; `fsync: true` also survives power loss, at a cost per write). `rewrite` replaces
 * the whole file atomically (temporary file, fsync, rename), which is how the journal compacts.
 */
export class JournalFile {
  readonly path: string;
  readonly #fsync: boolean;
  #fd: number;
  #size: number;

  constructor(path: string, options: { readonly fsync?: boolean } = {}) {
    this.path = path;
    this.#fsync = options.fsync ?? false;
    this.#fd = openSync(path, 'a');
    this.#size = fstatSync(this.#fd).size;
  }

  get sizeBytes(): number {
    return this.#size;
  }

  append(record: unknown): void {
    const bytes = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    writeFully(this.#fd, bytes);
    if (this.#fsync) fsyncSync(this.#fd);
    this.#size += bytes.byteLength;
  }

  rewrite(records: Iterable<unknown>): void {
    const temporary = `${this.path}.tmp`;
    const fd = openSync(temporary, 'w');
    let size = 0;
    try {
      let chunk: string[] = [];
      let chunkLength = 0;
      const flush = (): void => {
        const bytes = Buffer.from(chunk.join(''), 'utf8');
        writeFully(fd, bytes);
        size += bytes.byteLength;
        chunk = [];
        chunkLength = 0;
      };
      for (const record of records) {
        const line = `${JSON.stringify(record)}\n`;
        chunk.push(line);
        chunkLength += line.length;
        if (chunkLength > 1 << 20) flush();
      }
      flush();
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    closeSync(this.#fd);
    renameSync(temporary, this.path);
    syncDirectory(dirname(this.path));
    this.#fd = openSync(this.path, 'a');
    this.#size = size;
  }

  close(): void {
    closeSync(this.#fd);
  }
}

export interface JournalContents {
  readonly records: unknown[];
  /** True when the last line was cut short (a write interrupted by a crash); it was dropped. */
  readonly tornTail: boolean;
}

/**
 * Reads every complete line. A last line without its newline is a write that never finished, so
 * it was never acknowledged: it is dropped and cut from the file. A broken line anywhere else is
 * corruption and stops the start rather than silently losing what follows.
 */
export function readJournal(path: string): JournalContents {
  if (!existsSync(path)) return { records: [], tornTail: false };
  const bytes = readFileSync(path);
  const end = bytes.lastIndexOf(0x0a) + 1;
  const tornTail = end < bytes.byteLength;
  if (tornTail) truncateSync(path, end);
  const lines = bytes.subarray(0, end).toString('utf8').split('\n');
  lines.pop();
  const records = lines.map((line, index) => {
    try {
      return JSON.parse(line) as unknown;
    } catch {
      throw new Error(`Cosmos DB journal ${path}: line ${index + 1} is not valid JSON; the file is damaged (restore it or start with reset).`);
    }
  });
  return { records, tornTail };
}

function writeFully(fd: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.byteLength) offset += writeSync(fd, bytes, offset, bytes.byteLength - offset);
}

function syncDirectory(directory: string): void {
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
