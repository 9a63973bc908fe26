import { describe, expect, it } from 'vitest';
import { MagicBytesSniffer, hasWordDocumentStream } from '../../../shared/documents/adapters/magic-bytes-sniffer.adapter.ts';
import { checkBlob, checkContent, docxLimits, expiryAllowanceMs, type ContentFacts, type ZipFacts } from '../../../shared/documents/domain/content-gate.ts';
import { maxUploadBytes, type AllowedContentType } from '../../../shared/documents/domain/purposes.ts';
import { doc, docx, docxParts, docxZipBomb, exe, jpeg, pdf, plainZip, png, truncatedPdf, zip } from '../../support/document-files.ts';

const PDF: AllowedContentType = 'application/pdf';
const DOCX: AllowedContentType = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const EXPIRES = '2025-03-01T10:15:00.000Z';

describe('the gate on storage facts (before any byte is read)', () => {
  const blob = (size: number, lastModified = '2025-03-01T10:14:00.000Z') => ({ etag: '"e"', size, lastModified });
  it.each([
    ['within limits, written before expiry', blob(1000), undefined],
    ['exactly 5 MB', blob(maxUploadBytes), undefined],
    ['5 MB + 1 byte', blob(maxUploadBytes + 1), 'too_large'],
    ['empty', blob(0), 'malformed'],
    ['written within the clock allowance after expiry', blob(10, new Date(Date.parse(EXPIRES) + expiryAllowanceMs).toISOString()), undefined],
    ['written after expiry (not with the URL)', blob(10, new Date(Date.parse(EXPIRES) + expiryAllowanceMs + 1000).toISOString()), 'expired'],
  ] as const)('%s', (_name, facts, reason) => {
    expect(checkBlob({ expiresAt: EXPIRES }, facts)).toBe(reason);
  });
});

describe('the gate on content facts', () => {
  const zipFacts = (overrides: Partial<ZipFacts> = {}): ZipFacts => ({ readable: true, entryCount: 3, uncompressedBytes: 2000, worstRatio: 0, hasContentTypes: true, hasMainDocument: true, ...overrides });
  it.each([
    ['unknown bytes', PDF, { detectedType: undefined }, 'type_not_allowed'],
    ['an executable', PDF, { detectedType: 'application/x-msdownload' }, 'type_not_allowed'],
    ['a plain ZIP', DOCX, { detectedType: 'application/zip', zip: zipFacts({ hasContentTypes: false, hasMainDocument: false }) }, 'type_not_allowed'],
    ['a PNG declared as PDF', PDF, { detectedType: 'image/png', image: { complete: true } }, 'type_mismatch'],
    ['a PDF without its trailer', PDF, { detectedType: PDF, pdf: { header: true, trailer: false } }, 'malformed'],
    ['a PDF', PDF, { detectedType: PDF, pdf: { header: true, trailer: true } }, 'accepted'],
    ['a DOCX', DOCX, { detectedType: DOCX, zip: zipFacts() }, 'accepted'],
    ['a DOCX without word/document.xml', DOCX, { detectedType: DOCX, zip: zipFacts({ hasMainDocument: false }) }, 'malformed'],
    ['a DOCX with too many entries', DOCX, { detectedType: DOCX, zip: zipFacts({ entryCount: docxLimits.maxEntries + 1 }) }, 'malformed'],
    ['a DOCX inflating past the bound', DOCX, { detectedType: DOCX, zip: zipFacts({ uncompressedBytes: docxLimits.maxUncompressedBytes + 1 }) }, 'malformed'],
    ['a DOCX with a bomb-like ratio', DOCX, { detectedType: DOCX, zip: zipFacts({ worstRatio: docxLimits.maxRatio + 1 }) }, 'malformed'],
    ['a damaged ZIP', DOCX, { detectedType: DOCX, zip: zipFacts({ readable: false }) }, 'malformed'],
    ['a truncated image', 'image/png', { detectedType: 'image/png', image: { complete: false } }, 'malformed'],
  ] as const)('%s', (_name, declared, facts, outcome) => {
    const verdict = checkContent({ declaredContentType: declared }, facts as ContentFacts);
    expect(verdict.outcome === 'accepted' ? 'accepted' : verdict.reason).toBe(outcome);
  });
});

describe('magic bytes and structure, from real files', () => {
  const sniffer = new MagicBytesSniffer();
  it.each([
    ['a PDF', pdf(), PDF, 'accepted'],
    ['a truncated PDF', truncatedPdf(), PDF, 'malformed'],
    ['a PNG', png(), 'image/png', 'accepted'],
    ['a PNG cut short', png().subarray(0, 40), 'image/png', 'malformed'],
    ['a JPEG', jpeg(), 'image/jpeg', 'accepted'],
    ['a DOCX', docx(), DOCX, 'accepted'],
    ['a DOCX zip bomb', docxZipBomb(), DOCX, 'malformed'],
    ['a ZIP that is not a DOCX', plainZip(), DOCX, 'type_not_allowed'],
    ['a Word 97–2003 file', doc(), 'application/msword', 'accepted'],
    ['a compound file without a WordDocument stream', doc('Workbook'), 'application/msword', 'type_not_allowed'],
    ['an executable named .pdf', exe(), PDF, 'type_not_allowed'],
    ['a PNG declared as PDF', png(), PDF, 'type_mismatch'],
    ['text', Buffer.from('just some text, nothing more'), PDF, 'type_not_allowed'],
    ['a DOCX whose central directory is cut off', docx().subarray(0, docx().length - 30), DOCX, 'malformed'],
    ['a DOCX with over a thousand entries', zip([...docxParts('many'), ...Array.from({ length: 1001 }, (_, i) => ({ name: `word/part${i}.xml`, data: Buffer.from('<x/>') }))]), DOCX, 'malformed'],
    ['a ZIP of a thousand and one entries declared DOCX', zip(Array.from({ length: 1001 }, (_, i) => ({ name: `word/part${i}.xml`, data: Buffer.from('<x/>') }))), DOCX, 'type_not_allowed'],
  ] as const)('%s', async (_name, bytes, declared, outcome) => {
    const verdict = checkContent({ declaredContentType: declared as AllowedContentType }, await sniffer.sniff(bytes));
    expect(verdict.outcome === 'accepted' ? 'accepted' : verdict.reason).toBe(outcome);
  });

  it('reads a zip bomb from its central directory only (declared sizes), fast', async () => {
    const started = performance.now();
    const facts = await sniffer.sniff(docxZipBomb());
    expect(performance.now() - started).toBeLessThan(2000);
    expect(facts.zip).toMatchObject({ readable: true, entryCount: 7, hasContentTypes: true, hasMainDocument: true });
    expect(facts.zip!.uncompressedBytes).toBeGreaterThan(256 * 1024 * 1024);
    expect(facts.zip!.worstRatio).toBeGreaterThan(500);
  });

  it('finds the WordDocument stream through the compound file\'s FAT and directory, and nowhere else', () => {
    expect(hasWordDocumentStream(doc())).toBe(true);
    expect(hasWordDocumentStream(doc('Workbook'))).toBe(false);
    const text = Buffer.concat([doc('Workbook'), Buffer.from('WordDocument', 'utf16le')]);
    expect(hasWordDocumentStream(text)).toBe(false);
    expect(hasWordDocumentStream(doc().subarray(0, 600))).toBe(false);
  });
});
