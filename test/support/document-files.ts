import { crc32, deflateRawSync, deflateSync } from 'node:zlib';

/**
 * Small real files, made in code, for the documents tests and the upload fault bench: valid ones
 * of each accepted type, and the attack set (a renamed executable, a truncated PDF, a DOCX zip
 * bomb, a ZIP that is no Word document …).
 */

const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');

/** A one-page PDF 1.4 with a correct cross-reference table (offsets computed). */
export function pdf(label = 'Stageline test document'): Buffer {
  const content = `0 0 m 100 100 l S % ${label.replace(/[()\\\r\n]/g, ' ')}\n`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}endstream`,
  ];
  let body = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return ascii(body);
}

/** A PDF cut off before its trailer (as an interrupted upload would leave it). */
export function truncatedPdf(): Buffer {
  const whole = pdf('truncated');
  return whole.subarray(0, Math.floor(whole.length * 0.6));
}

function pngChunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([ascii(type), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A 1×1 RGBA PNG. */
export function png(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const pixels = deflateSync(Buffer.from([0, 0x2a, 0x7f, 0xd4, 0xff]));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', header), pngChunk('IDAT', pixels), pngChunk('IEND', Buffer.alloc(0))]);
}

/**
 * An 8×8 mid-grey baseline JPEG: one component, a quantisation table of ones, one-code Huffman
 * tables (DC category 0, AC end-of-block), one scan of two bits.
 */
export function jpeg(): Buffer {
  const segment = (marker: number, data: number[]): number[] => [0xff, marker, (data.length + 2) >> 8, (data.length + 2) & 0xff, ...data];
  const oneCode = (tableClass: number): number[] => [tableClass, 1, ...new Array<number>(15).fill(0), 0];
  return Buffer.from([
    0xff, 0xd8,
    ...segment(0xe0, [...ascii('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...segment(0xdb, [0, ...new Array<number>(64).fill(1)]),
    ...segment(0xc0, [8, 0, 8, 0, 8, 1, 1, 0x11, 0]),
    ...segment(0xc4, oneCode(0x00)),
    ...segment(0xc4, oneCode(0x10)),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    0x3f,
    0xff, 0xd9,
  ]);
}

/** An executable (MZ header, PE signature): what an attacker renames to `cv.pdf`. */
export function exe(): Buffer {
  const bytes = Buffer.alloc(512);
  bytes.write('MZ', 0, 'latin1');
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write('PE\0\0', 0x80, 'latin1');
  bytes.write('This program cannot be run in DOS mode.', 0x4e, 'latin1');
  return bytes;
}

export interface ZipEntry {
  readonly name: string;
  readonly data: Buffer;
  /** Stored uncompressed instead of deflated. */
  readonly store?: boolean;
  /** Already deflated data with its real size and CRC (for entries too big to hold inflated). */
  readonly deflated?: { readonly data: Buffer; readonly size: number; readonly crc: number };
}

/** A ZIP archive (local headers, central directory, end record) as any writer makes it. */
export function zip(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const method = entry.store ? 0 : 8;
    const compressed = entry.deflated?.data ?? (entry.store ? entry.data : deflateRawSync(entry.data));
    const size = entry.deflated?.size ?? entry.data.length;
    const crc = entry.deflated?.crc ?? crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const WORD_MAIN = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml';

export function docxParts(text: string): ZipEntry[] {
  return [
    {
      name: '[Content_Types].xml',
      data: Buffer.from(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
          `<Override PartName="/word/document.xml" ContentType="${WORD_MAIN}"/></Types>`,
      ),
    },
    {
      name: '_rels/.rels',
      data: Buffer.from(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
          '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
      ),
    },
    {
      name: 'word/document.xml',
      data: Buffer.from(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
          `<w:body><w:p><w:r><w:t>${text}</w:t></w:r></w:p></w:body></w:document>`,
      ),
    },
  ];
}

/** A minimal Word document (DOCX): content types, package relationships, the main document part. */
export function docx(text = 'Stageline test document'): Buffer {
  return zip(docxParts(text));
}

let bombPart: { data: Buffer; size: number; crc: number } | undefined;

/**
 * A DOCX zip bomb: a real Word package plus entries that each inflate to 64 MiB of zeros from
 * about 64 KiB (ratio ≈ 1,000), 256 MiB in all; the archive itself is small.
 */
export function docxZipBomb(): Buffer {
  if (bombPart === undefined) {
    const zeros = Buffer.alloc(64 * 1024 * 1024);
    bombPart = { data: deflateRawSync(zeros, { level: 9 }), size: zeros.length, crc: crc32(zeros) };
  }
  const bombs = [0, 1, 2, 3].map((i): ZipEntry => ({ name: `word/media/image${i}.bin`, data: Buffer.alloc(0), deflated: bombPart! }));
  return zip([...docxParts('bomb'), ...bombs]);
}

/** A ZIP that is no Word document (no content types, no main part), declared as DOCX by an attacker. */
export function plainZip(): Buffer {
  return zip([{ name: 'readme.txt', data: Buffer.from('not a word document\n') }, { name: 'payload/run.sh', data: Buffer.from('#!/bin/sh\necho hi\n') }]);
}

/**
 * A Word 97–2003 document's container: a Compound File (version 3, 512-byte sectors) with one
 * FAT sector, one directory sector (Root Entry, `WordDocument` stream) and one data sector.
 * `stream` names the stream instead (e.g. `Workbook`, to make a compound file that is not Word).
 */
export function doc(stream = 'WordDocument'): Buffer {
  const sector = 512;
  const header = Buffer.alloc(sector);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x3e, 0x18);
  header.writeUInt16LE(3, 0x1a);
  header.writeUInt16LE(0xfffe, 0x1c);
  header.writeUInt16LE(9, 0x1e);
  header.writeUInt16LE(6, 0x20);
  header.writeUInt32LE(1, 0x2c); // FAT sectors
  header.writeUInt32LE(1, 0x30); // first directory sector
  header.writeUInt32LE(0x1000, 0x38); // mini stream cutoff
  header.writeUInt32LE(0xfffffffe, 0x3c); // no mini FAT
  header.writeUInt32LE(0xfffffffe, 0x44); // no DIFAT sectors
  for (let i = 0; i < 109; i += 1) header.writeUInt32LE(i === 0 ? 0 : 0xffffffff, 0x4c + i * 4);
  const fat = Buffer.alloc(sector, 0xff);
  fat.writeUInt32LE(0xfffffffd, 0); // sector 0: the FAT itself
  fat.writeUInt32LE(0xfffffffe, 4); // sector 1: directory, end of chain
  fat.writeUInt32LE(0xfffffffe, 8); // sector 2: stream data, end of chain
  const directory = Buffer.alloc(sector);
  const entry = (index: number, name: string, type: number, child: number, start: number, size: number): void => {
    const at = index * 128;
    directory.write(name, at, 'utf16le');
    directory.writeUInt16LE((name.length + 1) * 2, at + 0x40);
    directory[at + 0x42] = type;
    directory[at + 0x43] = 1;
    directory.writeUInt32LE(0xffffffff, at + 0x44);
    directory.writeUInt32LE(0xffffffff, at + 0x48);
    directory.writeUInt32LE(child, at + 0x4c);
    directory.writeUInt32LE(start, at + 0x74);
    directory.writeUInt32LE(size, at + 0x78);
  };
  entry(0, 'Root Entry', 5, 1, 0xfffffffe, 0);
  entry(1, stream, 2, 0xffffffff, 2, sector);
  for (let i = 2; i < 4; i += 1) {
    directory.writeUInt32LE(0xffffffff, i * 128 + 0x44);
    directory.writeUInt32LE(0xffffffff, i * 128 + 0x48);
    directory.writeUInt32LE(0xffffffff, i * 128 + 0x4c);
  }
  const data = Buffer.alloc(sector);
  data.writeUInt16LE(0xa5ec, 0); // Word's FIB identifier
  return Buffer.concat([header, fat, directory, data]);
}

/** `size` bytes that start like a PDF (content does not matter: the size check comes first). */
export function bytesOfSize(size: number): Buffer {
  const bytes = Buffer.alloc(size, 0x20);
  bytes.write('%PDF-1.4\n', 0, 'latin1');
  return bytes;
}
