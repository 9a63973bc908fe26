import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { JournalRecord } from './journal-records.ts';

export interface ReadJournal {
  readonly records: JournalRecord[];
  /** True when the last line was cut short by a crash mid-write and was skipped. */
  readonly tornTail: boolean;
}

/**
 * The broker's append-only journal: one JSON record per line, written with a synchronous
 * `writeSync` before the broker call returns, so a `kill -9` loses nothing that was
 * acknowledged. One process at a time may own a journal file.
 */
export class BrokerJournal {
  readonly path: string;
  readonly #fsync: boolean;
  #fd: number;
  #sizeBytes: number;
  #snapshotBytes: number;

  private constructor(path: string, fd: number, sizeBytes: number, fsync: boolean) {
    this.path = path;
    this.#fd = fd;
    this.#sizeBytes = sizeBytes;
    this.#snapshotBytes = sizeBytes;
    this.#fsync = fsync;
  }

  /** Reads what the file holds (tolerating a torn last line) without opening it for writing. */
  static read(path: string): ReadJournal {
    if (!existsSync(path)) return { records: [], tornTail: false };
    const lines = readFileSync(path, 'utf8').split('\n');
    const records: JournalRecord[] = [];
    let tornTail = false;
    // After the final '\n' comes '' for a clean file, or the torn start of a record.
    const last = lines.length - 1;
    for (let index = 0; index <= last; index++) {
      const line = lines[index] ?? '';
      if (line === '') continue;
      const record = parseRecord(line);
      if (record) {
        records.push(record);
      } else if (index >= last - 1 && lines.slice(index + 1).every((rest) => rest === '')) {
        tornTail = true;
      } else {
        throw new Error(`Broker journal ${path} is corrupt at line ${index + 1}; it is not a torn tail, so it is not skipped.`);
      }
    }
    return { records, tornTail };
  }

  /** Writes `records` as the whole journal (temp file, fsync, atomic rename) and opens it. */
  static create(path: string, records: Iterable<JournalRecord>, options: { fsync: boolean }): BrokerJournal {
    mkdirSync(dirname(path), { recursive: true });
    removeLeftoverSnapshots(path);
    const size = writeSnapshot(path, records);
    return new BrokerJournal(path, openSync(path, 'a'), size, options.fsync);
  }

  get sizeBytes(): number {
    return this.#sizeBytes;
  }

  /**
   * True once the file is past `thresholdBytes` AND at least twice the size of the last
   * snapshot, so a live state that is itself past the threshold does not compact on every write.
   */
  shouldCompact(thresholdBytes: number): boolean {
    return this.#sizeBytes > thresholdBytes && this.#sizeBytes > 2 * this.#snapshotBytes;
  }

  append(record: JournalRecord): void {
    const bytes = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    writeFully(this.#fd, bytes);
    if (this.#fsync) fsyncSync(this.#fd);
    this.#sizeBytes += bytes.length;
  }

  /** Replaces the journal with `records` (the live state). The old file stays valid until the rename. */
  compact(records: Iterable<JournalRecord>): void {
    const size = writeSnapshot(this.path, records);
    const old = this.#fd;
    this.#fd = openSync(this.path, 'a');
    this.#sizeBytes = size;
    this.#snapshotBytes = size;
    closeSync(old);
  }

  close(): void {
    fsyncSync(this.#fd);
    closeSync(this.#fd);
  }
}

function parseRecord(line: string): JournalRecord | undefined {
  try {
    const value = JSON.parse(line) as unknown;
    if (typeof value === 'object' && value !== null && typeof (value as { op?: unknown }).op === 'string') return value as JournalRecord;
  } catch {
    // fall through: not a whole record
  }
  return undefined;
}

function writeSnapshot(path: string, records: Iterable<JournalRecord>): number {
  const temp = `${path}.${process.pid}.compact.tmp`;
  const fd = openSync(temp, 'w');
  let size = 0;
  try {
    let chunk: string[] = [];
    let chunkLength = 0;
    const flush = (): void => {
      const bytes = Buffer.from(chunk.join(''), 'utf8');
      writeFully(fd, bytes);
      size += bytes.length;
      chunk = [];
      chunkLength = 0;
    };
    for (const record of records) {
      const line = `${JSON.stringify(record)}\n`;
      chunk.push(line);
      chunkLength += line.length;
      if (chunkLength >= 1 << 20) flush();
    }
    flush();
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
  fsyncDirectory(dirname(path));
  return size;
}

/** Temp files of a compaction that a crash interrupted (the journal itself was never touched). */
function removeLeftoverSnapshots(path: string): void {
  const prefix = `${basename(path)}.`;
  for (const name of readdirSync(dirname(path))) {
    if (name.startsWith(prefix) && name.endsWith('.compact.tmp')) rmSync(join(dirname(path), name), { force: true });
  }
}

function writeFully(fd: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

function fsyncDirectory(directory: string): void {
  try {
    const fd = openSync(directory, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename itself is still atomic.
  }
}
