import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface JournalContents<T> {
  readonly records: T[];
  /** True when the last line was cut short (a write interrupted by a crash); it was left out. */
  readonly tornTail: boolean;
}

export interface ReadJournalOptions<T> {
  /** Names the journal in errors, e.g. `'Broker journal'`. */
  readonly label?: string;
  /** Accepts a parsed line as a record. A line it refuses is damaged, as is a line that is not JSON. */
  readonly isRecord?: (value: unknown) => value is T;
}

export interface JournalFileOptions {
  /** fsync each append: survives power loss, not only a killed process, at a cost per write. */
  readonly fsync?: boolean;
}

const COMPACT_SUFFIX = '.compact.tmp';
const WRITE_CHUNK_BYTES = 1 << 20;

/**
 * Reads every complete line of the journal at `path` (none when there is no file), without
 * changing the file. A last line without its newline is a write that never finished, so it was
 * never acknowledged: it is left out and reported as `tornTail` (opening the file for appending
 * cuts it). A broken line anywhere else is corruption: this throws, naming the file and the line,
 * rather than silently losing what follows. Blank lines hold nothing and are passed over.
 */
export function readJournalFile<T = unknown>(path: string, options: ReadJournalOptions<T> = {}): JournalContents<T> {
  if (!existsSync(path)) return { records: [], tornTail: false };
  const bytes = readFileSync(path);
  const end = bytes.lastIndexOf(0x0a) + 1;
  const lines = bytes.subarray(0, end).toString('utf8').split('\n');
  lines.pop(); // after the last '\n'
  const records: T[] = [];
  for (const [index, line] of lines.entries()) {
    if (line === '') continue;
    const parsed = parseLine(line, options.isRecord);
    if ('problem' in parsed) {
      throw new Error(
        `${options.label ?? 'Journal'} ${path} is corrupt at line ${index + 1} (${parsed.problem}); only an unfinished last line is skipped, ` +
          'so it is not read past this point (restore the file or start with reset).',
      );
    }
    records.push(parsed.record);
  }
  return { records, tornTail: end < bytes.byteLength };
}

/**
 * An append-only file of JSON lines, one record a line. `append` returns only once the line is in
 * the file (a synchronous write: the operating system keeps it even if the process is killed with
 * SIGKILL right after; `fsync: true` also survives power loss). `compact` replaces the whole file
 * atomically (temporary file, fsync, rename, directory fsync): the old file stays whole until the
 * rename. One process at a time may own a journal file.
 */
export class JournalFile<T = unknown> {
  readonly path: string;
  readonly #fsync: boolean;
  #fd: number;
  #sizeBytes: number;
  #snapshotBytes: number;

  private constructor(path: string, fd: number, sizeBytes: number, options: JournalFileOptions) {
    this.path = path;
    this.#fd = fd;
    this.#sizeBytes = sizeBytes;
    this.#snapshotBytes = sizeBytes;
    this.#fsync = options.fsync ?? false;
  }

  /**
   * Opens the journal at `path` (created if missing) to append after what it holds. Cuts a torn
   * last line first, so the next record does not end up glued to it, and removes the temporary
   * files of a compaction a crash interrupted.
   */
  static open<T = unknown>(path: string, options: JournalFileOptions = {}): JournalFile<T> {
    prepareDirectory(path);
    cutTornTail(path);
    const fd = openSync(path, 'a');
    return new JournalFile<T>(path, fd, fstatSync(fd).size, options);
  }

  /** Writes `records` as the whole journal (atomically, as `compact` does) and opens it. */
  static create<T>(path: string, records: Iterable<T>, options: JournalFileOptions = {}): JournalFile<T> {
    prepareDirectory(path);
    const size = writeSnapshot(path, records);
    return new JournalFile<T>(path, openSync(path, 'a'), size, options);
  }

  get sizeBytes(): number {
    return this.#sizeBytes;
  }

  /**
   * True once the file is past `thresholdBytes` AND more than twice the size it had after the last
   * snapshot (or at opening), so a live state that is itself past the threshold does not compact on
   * every write.
   */
  shouldCompact(thresholdBytes: number): boolean {
    return this.#sizeBytes > thresholdBytes && this.#sizeBytes > 2 * this.#snapshotBytes;
  }

  append(record: T): void {
    const bytes = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    try {
      writeFully(this.#fd, bytes);
      if (this.#fsync) fsyncSync(this.#fd);
    } catch (error) {
      // A write that failed part-way (disk full, I/O error) must not leave a fragment that the
      // next record would be glued to: cut the file back to its last whole record.
      try {
        ftruncateSync(this.#fd, this.#sizeBytes);
      } catch {
        // The file is unusable; the original error says why.
      }
      throw error;
    }
    this.#sizeBytes += bytes.byteLength;
  }

  /** Replaces the journal with `records` (the live state). If the snapshot cannot be written, the old file is unchanged and still in use. */
  compact(records: Iterable<T>): void {
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

function parseLine<T>(line: string, isRecord: ((value: unknown) => value is T) | undefined): { readonly record: T } | { readonly problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { problem: 'not valid JSON' };
  }
  if (isRecord && !isRecord(value)) return { problem: 'not a journal record' };
  return { record: value as T };
}

function prepareDirectory(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  removeLeftoverSnapshots(path);
}

function temporaryPath(path: string): string {
  return `${path}.${process.pid}${COMPACT_SUFFIX}`;
}

/** Temp files of a compaction that a crash interrupted (the journal itself was never touched). */
function removeLeftoverSnapshots(path: string): void {
  const prefix = `${basename(path)}.`;
  for (const name of readdirSync(dirname(path))) {
    if (name.startsWith(prefix) && name.endsWith(COMPACT_SUFFIX)) rmSync(join(dirname(path), name), { force: true });
  }
}

/** Truncates the file just after its last newline (to empty when it has none). */
function cutTornTail(path: string): void {
  if (!existsSync(path)) return;
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    const end = completeLength(fd, size);
    if (end < size) {
      ftruncateSync(fd, end);
      fsyncSync(fd);
    }
  } finally {
    closeSync(fd);
  }
}

/** Bytes up to and including the last '\n', scanning back from the end a block at a time. */
function completeLength(fd: number, size: number): number {
  const block = Buffer.alloc(Math.min(size, 64 * 1024));
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - block.byteLength);
    const read = readSync(fd, block, 0, end - start, start);
    const newline = block.subarray(0, read).lastIndexOf(0x0a);
    if (newline >= 0) return start + newline + 1;
    end = start;
  }
  return 0;
}

function writeSnapshot(path: string, records: Iterable<unknown>): number {
  const temp = temporaryPath(path);
  const fd = openSync(temp, 'w');
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
      if (chunkLength >= WRITE_CHUNK_BYTES) flush();
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

function writeFully(fd: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.byteLength) offset += writeSync(fd, bytes, offset, bytes.byteLength - offset);
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
