import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JournalFile, readJournalFile } from '../../local/journal/journal-file.ts';

interface Entry {
  readonly n: number;
  readonly pad?: string;
}

const isEntry = (value: unknown): value is Entry => typeof value === 'object' && value !== null && typeof (value as { n?: unknown }).n === 'number';

describe('JournalFile', () => {
  let dir: string;
  let path: string;
  let journal: JournalFile<Entry> | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stageline-journal-'));
    path = join(dir, 'nested', 'journal.jsonl');
  });
  afterEach(() => {
    journal?.close();
    journal = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('appends one JSON line per record, in the file before append returns, and tracks the size', () => {
    journal = JournalFile.open<Entry>(path, { fsync: true });
    expect(journal.sizeBytes).toBe(0);
    journal.append({ n: 1 });
    journal.append({ n: 2, pad: 'é' });
    expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n{"n":2,"pad":"é"}\n');
    expect(journal.sizeBytes).toBe(statSync(path).size);
    expect(readJournalFile(path, { isRecord: isEntry })).toEqual({ records: [{ n: 1 }, { n: 2, pad: 'é' }], tornTail: false });
    journal.close();

    journal = JournalFile.open<Entry>(path);
    expect(journal.sizeBytes).toBe(statSync(path).size);
    journal.append({ n: 3 });
    expect(readJournalFile(path).records).toEqual([{ n: 1 }, { n: 2, pad: 'é' }, { n: 3 }]);
  });

  it('reads a missing file as empty', () => {
    expect(readJournalFile(path)).toEqual({ records: [], tornTail: false });
  });

  it('leaves out a torn last line without changing the file; opening cuts it before the next append', () => {
    path = join(dir, 'journal.jsonl');
    writeFileSync(path, '{"n":1}\n{"n":2}\n{"n":3,"pad":"cut sh');
    const before = readFileSync(path, 'utf8');
    expect(readJournalFile(path, { isRecord: isEntry })).toEqual({ records: [{ n: 1 }, { n: 2 }], tornTail: true });
    expect(readFileSync(path, 'utf8')).toBe(before);

    journal = JournalFile.open<Entry>(path);
    expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
    expect(journal.sizeBytes).toBe(statSync(path).size);
    journal.append({ n: 4 });
    expect(readJournalFile(path)).toEqual({ records: [{ n: 1 }, { n: 2 }, { n: 4 }], tornTail: false });
  });

  it('drops a last line without its newline even when it parses: its append never returned', () => {
    path = join(dir, 'journal.jsonl');
    writeFileSync(path, '{"n":1}\n{"n":2}');
    expect(readJournalFile(path)).toEqual({ records: [{ n: 1 }], tornTail: true });
  });

  it('cuts a file that holds only a torn line to empty', () => {
    path = join(dir, 'journal.jsonl');
    writeFileSync(path, '{"n":1');
    journal = JournalFile.open<Entry>(path);
    expect(statSync(path).size).toBe(0);
    expect(journal.sizeBytes).toBe(0);
  });

  it('finds the last newline of a torn tail longer than one read block', () => {
    path = join(dir, 'journal.jsonl');
    writeFileSync(path, `{"n":1}\n{"n":2,"pad":"${'x'.repeat(200_000)}`);
    journal = JournalFile.open<Entry>(path);
    expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n');
  });

  it('refuses a damaged line before the end, naming the journal, the file and the line', () => {
    path = join(dir, 'journal.jsonl');
    writeFileSync(path, '{"n":1}\n{"n":2\n{"n":3}\n');
    expect(() => readJournalFile(path, { label: 'Test journal' })).toThrow(
      `Test journal ${path} is corrupt at line 2 (not valid JSON); only an unfinished last line is skipped, so it is not read past this point (restore the file or start with reset).`,
    );
    writeFileSync(path, '{"n":1}\n{"n":2}\nnot json\n');
    expect(() => readJournalFile(path)).toThrow(`Journal ${path} is corrupt at line 3 (not valid JSON)`);
  });

  it('refuses a JSON line that is not a record, and passes over blank lines', () => {
    path = join(dir, 'journal.jsonl');
    writeFileSync(path, '{"n":1}\n\n{"n":2}\n');
    expect(readJournalFile(path, { isRecord: isEntry }).records).toEqual([{ n: 1 }, { n: 2 }]);
    writeFileSync(path, '{"n":1}\n\n{"m":2}\n{"n":3}\n');
    expect(() => readJournalFile(path, { label: 'Test journal', isRecord: isEntry })).toThrow(/^Test journal .* is corrupt at line 3 \(not a journal record\)/);
  });

  it('compacts atomically into exactly the given records, then keeps appending to the new file', () => {
    journal = JournalFile.open<Entry>(path);
    for (let n = 0; n < 50; n += 1) journal.append({ n, pad: 'y'.repeat(100) });
    const sizeBefore = journal.sizeBytes;

    journal.compact([{ n: 48 }, { n: 49 }]);
    expect(readFileSync(path, 'utf8')).toBe('{"n":48}\n{"n":49}\n');
    expect(journal.sizeBytes).toBe(statSync(path).size);
    expect(journal.sizeBytes).toBeLessThan(sizeBefore);
    expect(readdirSync(join(dir, 'nested'))).toEqual(['journal.jsonl']);

    journal.append({ n: 50 });
    expect(readJournalFile(path).records).toEqual([{ n: 48 }, { n: 49 }, { n: 50 }]);
    expect(journal.sizeBytes).toBe(statSync(path).size);
  });

  it('keeps the old file whole and in use when a compaction fails, and leaves no temp file', () => {
    journal = JournalFile.open<Entry>(path);
    journal.append({ n: 1 });
    function* failing(): Generator<Entry> {
      yield { n: 9, pad: 'z'.repeat(2 << 20) }; // past one write chunk: some of the snapshot is on disk
      throw new Error('snapshot failed');
    }
    expect(() => journal!.compact(failing())).toThrow('snapshot failed');
    expect(readdirSync(join(dir, 'nested'))).toEqual(['journal.jsonl']);
    journal.append({ n: 2 });
    expect(readJournalFile(path).records).toEqual([{ n: 1 }, { n: 2 }]);
    expect(journal.sizeBytes).toBe(statSync(path).size);
  });

  it('create writes the records as the whole file, replacing what was there', () => {
    journal = JournalFile.open<Entry>(path);
    journal.append({ n: 1 });
    journal.close();
    appendFileSync(path, '{"n":2');

    journal = JournalFile.create<Entry>(path, [{ n: 7 }, { n: 8 }]);
    expect(readFileSync(path, 'utf8')).toBe('{"n":7}\n{"n":8}\n');
    expect(journal.sizeBytes).toBe(statSync(path).size);
  });

  it('removes the temp files of an interrupted compaction on open and on create, and nothing else', () => {
    journal = JournalFile.open<Entry>(path);
    journal.append({ n: 1 });
    journal.close();
    const leftover = `${path}.12345.compact.tmp`;
    const unrelated = [join(dir, 'nested', 'other.jsonl.1.compact.tmp'), `${path}.backup`];
    for (const file of [leftover, ...unrelated]) writeFileSync(file, '{"n":99');

    journal = JournalFile.open<Entry>(path);
    expect(existsSync(leftover)).toBe(false);
    for (const file of unrelated) expect(existsSync(file)).toBe(true);
    expect(readJournalFile(path).records).toEqual([{ n: 1 }]);
    journal.close();

    writeFileSync(leftover, '{"n":99');
    journal = JournalFile.create<Entry>(path, [{ n: 2 }]);
    expect(existsSync(leftover)).toBe(false);
  });

  it('cuts a write that failed part-way back to the last whole record (file size limit hit mid-line)', () => {
    const module = resolve(import.meta.dirname, '../../local/journal/journal-file.ts');
    const script = `
      const { JournalFile } = await import(${JSON.stringify(module)});
      const journal = JournalFile.open(${JSON.stringify(path)});
      let n = 0;
      try { for (;;) { journal.append({ n, pad: 'x'.repeat(100) }); n++; } }
      catch (error) { console.log(JSON.stringify({ appended: n, code: error.code, size: journal.sizeBytes })); }`;
    // ulimit -f 8: the file may grow to 8 × 512 bytes; the write that crosses it is cut short (EFBIG).
    const child = spawnSync('bash', ['-c', `ulimit -f 8; exec "${process.execPath}" --input-type=module -e "$0"`, script], { encoding: 'utf8' });
    const outcome = JSON.parse(child.stdout.trim()) as { appended: number; code: string; size: number };
    expect(outcome.code).toBe('EFBIG');
    expect(statSync(path).size).toBe(outcome.size);
    const { records, tornTail } = readJournalFile<Entry>(path, { isRecord: isEntry });
    expect(tornTail).toBe(false);
    expect(records.map((r) => r.n)).toEqual(Array.from({ length: outcome.appended }, (_, i) => i));
  });

  it('shouldCompact: past the threshold AND more than twice the size of the last snapshot', () => {
    const line = (n: number): Entry => ({ n, pad: 'p'.repeat(83) }); // 100 bytes a line with n < 10
    journal = JournalFile.create<Entry>(path, [line(0), line(1), line(2)]);
    expect(journal.sizeBytes).toBe(300);
    expect(journal.shouldCompact(250)).toBe(false); // past the threshold, but not twice the snapshot
    journal.append(line(3));
    journal.append(line(4));
    journal.append(line(5));
    expect(journal.shouldCompact(250)).toBe(false); // exactly twice
    journal.append(line(6));
    expect(journal.shouldCompact(250)).toBe(true);
    expect(journal.shouldCompact(700)).toBe(false); // not past this threshold

    journal.compact([line(6)]);
    expect(journal.shouldCompact(150)).toBe(false);
    journal.append(line(7));
    journal.append(line(8));
    expect(journal.shouldCompact(150)).toBe(true);
    journal.close();

    journal = JournalFile.open<Entry>(path); // the size at opening counts as the last snapshot
    expect(journal.shouldCompact(150)).toBe(false);
  });
});
