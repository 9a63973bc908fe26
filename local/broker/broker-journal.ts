import { JournalFile, readJournalFile, type JournalContents, type JournalFileOptions } from '../journal/journal-file.ts';
import type { JournalRecord } from './journal-records.ts';

export type ReadJournal = JournalContents<JournalRecord>;

/**
 * The broker's append-only journal (`JournalFile` of broker records): every record is written
 * with a synchronous write before the broker call returns, so a `kill -9` loses nothing that was
 * acknowledged. The broker rewrites it as a snapshot of the live state on every open.
 */
export type BrokerJournal = JournalFile<JournalRecord>;

export const BrokerJournal = {
  /** Reads what the file holds (leaving out a torn last line) without changing it. */
  read(path: string): ReadJournal {
    return readJournalFile(path, { label: 'Broker journal', isRecord: isJournalRecord });
  },

  /** Writes `records` as the whole journal (temp file, fsync, atomic rename) and opens it. */
  create(path: string, records: Iterable<JournalRecord>, options: JournalFileOptions): BrokerJournal {
    return JournalFile.create(path, records, options);
  },
};

function isJournalRecord(value: unknown): value is JournalRecord {
  return typeof value === 'object' && value !== null && typeof (value as { op?: unknown }).op === 'string';
}
