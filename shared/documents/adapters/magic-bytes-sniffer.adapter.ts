import { fileTypeFromBuffer } from 'file-type';
import yauzl from 'yauzl';
import { docxLimits, type ContentFacts, type ZipFacts } from '../domain/content-gate.ts';
import type { ContentSniffer } from '../ports/content-sniffer.port.ts';

const WORD_DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const MIB = 1024 * 1024;

/**
 * What bytes really are: the type from their magic bytes (`file-type`), and the structure the
 * gate's rules ask about. Nothing here trusts a name, a declared type or a declared size, and
 * nothing is inflated: a ZIP is judged from its central directory (`yauzl`), whose declared sizes
 * are what a reader would be asked to inflate.
 */
export class MagicBytesSniffer implements ContentSniffer {
  async sniff(bytes: Uint8Array): Promise<ContentFacts> {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const found = await detect(buffer);
    const detectedType = found?.ext === 'cfb' ? (hasWordDocumentStream(buffer) ? 'application/msword' : found.mime) : found?.mime;
    const facts: { -readonly [K in keyof ContentFacts]: ContentFacts[K] } = { detectedType };
    if (detectedType === 'application/pdf') facts.pdf = pdfFacts(buffer);
    if (detectedType === WORD_DOCX || isZip(buffer)) facts.zip = await zipFacts(buffer);
    if (detectedType === 'image/png') facts.image = { complete: pngComplete(buffer) };
    if (detectedType === 'image/jpeg') facts.image = { complete: jpegComplete(buffer) };
    return facts;
  }
}

async function detect(buffer: Buffer): Promise<{ ext: string; mime: string } | undefined> {
  try {
    return await fileTypeFromBuffer(buffer);
  } catch {
    // A parser limit or damaged structure inside a container format: the type is unknown.
    return undefined;
  }
}

function isZip(buffer: Buffer): boolean {
  return buffer.length >= 4 && buffer.readUInt32LE(0) === 0x04034b50;
}

/** `%PDF-` at the start; `startxref` followed by `%%EOF` in the last 1,024 bytes (where readers look for them). */
function pdfFacts(buffer: Buffer): { header: boolean; trailer: boolean } {
  const header = buffer.subarray(0, 5).toString('latin1') === '%PDF-';
  const tail = buffer.subarray(Math.max(0, buffer.length - 1024)).toString('latin1');
  const startxref = tail.lastIndexOf('startxref');
  const eof = tail.lastIndexOf('%%EOF');
  return { header, trailer: startxref >= 0 && eof > startxref && /^%%EOF\s*$/.test(tail.slice(eof)) };
}

/** The IEND chunk (length 0, type, CRC) ends the file. */
function pngComplete(buffer: Buffer): boolean {
  const iend = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
  return buffer.length >= 8 + 12 && buffer.subarray(buffer.length - 12).equals(iend);
}

/** The EOI marker (`FF D9`) near the end (entropy-coded data never holds `FF D9`; some writers pad after it). */
function jpegComplete(buffer: Buffer): boolean {
  const tail = buffer.subarray(Math.max(2, buffer.length - 1024));
  return tail.lastIndexOf(Buffer.from([0xff, 0xd9])) >= 0;
}

/** The central directory's facts; an archive yauzl cannot read (truncated, damaged) is `readable: false`. */
function zipFacts(buffer: Buffer): Promise<ZipFacts> {
  const unreadable: ZipFacts = { readable: false, entryCount: 0, uncompressedBytes: 0, worstRatio: 0, hasContentTypes: false, hasMainDocument: false };
  return new Promise((resolve) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, strictFileNames: false, validateEntrySizes: true }, (error, zip) => {
      if (error || zip === undefined) return resolve(unreadable);
      // The end record states the count: a directory that would take long to walk is refused unread.
      if (zip.entryCount > docxLimits.maxEntries) {
        zip.close();
        return resolve({ ...unreadable, readable: true, entryCount: zip.entryCount });
      }
      const facts = { readable: true, entryCount: zip.entryCount, uncompressedBytes: 0, worstRatio: 0, hasContentTypes: false, hasMainDocument: false };
      zip.on('entry', (entry: yauzl.Entry) => {
        facts.uncompressedBytes += entry.uncompressedSize;
        if (entry.uncompressedSize > MIB) facts.worstRatio = Math.max(facts.worstRatio, entry.uncompressedSize / Math.max(1, entry.compressedSize));
        if (entry.fileName === '[Content_Types].xml') facts.hasContentTypes = true;
        if (entry.fileName === 'word/document.xml') facts.hasMainDocument = true;
        if (entry.isEncrypted()) facts.readable = false;
        zip.readEntry();
      });
      zip.once('end', () => resolve(facts));
      zip.once('error', () => resolve(unreadable));
      zip.readEntry();
    });
  });
}

/**
 * Whether a Compound File (the container of Word 97–2003, but also of Excel, MSI installers …)
 * holds a `WordDocument` stream in its directory: the header's sector size and FAT, then the
 * directory chain, every step bounded by the file's own size.
 */
export function hasWordDocumentStream(buffer: Buffer): boolean {
  if (buffer.length < 512) return false;
  const shift = buffer.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) return false;
  const sectorSize = 1 << shift;
  const sectorCount = Math.floor((buffer.length - sectorSize) / sectorSize) + (buffer.length > sectorSize ? 1 : 0);
  const sector = (index: number): Buffer | undefined => {
    const start = (index + 1) * sectorSize;
    return index >= 0 && start + sectorSize <= buffer.length ? buffer.subarray(start, start + sectorSize) : undefined;
  };
  const fat: number[] = [];
  for (let i = 0; i < 109; i += 1) {
    const fatSector = buffer.readUInt32LE(0x4c + i * 4);
    if (fatSector >= 0xfffffffa) continue;
    const data = sector(fatSector);
    if (data === undefined) return false;
    for (let offset = 0; offset < sectorSize; offset += 4) fat.push(data.readUInt32LE(offset));
  }
  let current = buffer.readUInt32LE(0x30);
  for (let steps = 0; current < 0xfffffffa && steps <= sectorCount; steps += 1) {
    const data = sector(current);
    if (data === undefined) return false;
    for (let offset = 0; offset + 128 <= sectorSize; offset += 128) {
      const nameBytes = Math.min(64, data.readUInt16LE(offset + 0x40));
      const name = data.subarray(offset, offset + Math.max(0, nameBytes - 2)).toString('utf16le');
      if (name === 'WordDocument' && data[offset + 0x42] === 2) return true;
    }
    current = fat[current] ?? 0xfffffffe;
  }
  return false;
}
