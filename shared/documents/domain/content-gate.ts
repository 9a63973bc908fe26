import { isAllowedContentType, maxUploadBytes, type AllowedContentType } from './purposes.ts';
import type { RejectionReason } from './upload-intent.ts';

/**
 * The content gate's rules: a SAS URL cannot limit size or content, so nothing reaches a stage
 * until the real blob passed these. Pure: the facts come from storage (size, time) and from
 * reading the bytes (magic bytes, structure); this file only decides.
 */

/** What storage says about the blob version. */
export interface BlobFacts {
  readonly etag: string;
  readonly size: number;
  /** ISO time storage last wrote it. */
  readonly lastModified: string;
}

/**
 * What the bytes say. `detectedType` is the MIME type the magic bytes show (a Word 97–2003 file
 * only when its compound file holds a `WordDocument` stream), `undefined` when none is known.
 */
export interface ContentFacts {
  readonly detectedType: string | undefined;
  /** PDF: `%PDF-` header at the start; `startxref` and `%%EOF` in the last 1,024 bytes. */
  readonly pdf?: { readonly header: boolean; readonly trailer: boolean };
  /** ZIP packages (DOCX), from the central directory: declared sizes, never inflated. */
  readonly zip?: ZipFacts;
  /** PNG/JPEG: the end marker (IEND / EOI) is where it should be. */
  readonly image?: { readonly complete: boolean };
}

export interface ZipFacts {
  /** The central directory could be read (a truncated or damaged archive cannot). */
  readonly readable: boolean;
  readonly entryCount: number;
  /** Sum of the entries' declared uncompressed sizes. */
  readonly uncompressedBytes: number;
  /** Highest uncompressed / compressed ratio among entries over 1 MiB uncompressed. */
  readonly worstRatio: number;
  readonly hasContentTypes: boolean;
  readonly hasMainDocument: boolean;
}

/** DOCX bounds: real documents stay far inside them; a zip bomb does not. */
export const docxLimits = { maxEntries: 1_000, maxUncompressedBytes: 100 * 1024 * 1024, maxRatio: 200 } as const;

/** Storage clocks and ours may differ a little; a blob written later than this past the URL's expiry was not written with it. */
export const expiryAllowanceMs = 2 * 60_000;

export type GateVerdict =
  | { readonly outcome: 'accepted'; readonly contentType: AllowedContentType }
  | { readonly outcome: 'rejected'; readonly reason: RejectionReason };

/** Checks that need only the blob's properties (before any byte is read): expiry, then size. */
export function checkBlob(intent: { readonly expiresAt: string }, blob: BlobFacts): RejectionReason | undefined {
  if (Date.parse(blob.lastModified) > Date.parse(intent.expiresAt) + expiryAllowanceMs) return 'expired';
  if (blob.size > maxUploadBytes) return 'too_large';
  if (blob.size === 0) return 'malformed';
  return undefined;
}

/**
 * The verdict on the bytes, in order: the detected type must be one the platform accepts
 * (`type_not_allowed`), then the one declared (`type_mismatch`; the declared one was checked
 * against the purpose when the URL was made), then well formed for its type (`malformed`).
 */
export function checkContent(intent: { readonly declaredContentType: AllowedContentType }, facts: ContentFacts): GateVerdict {
  const detected = facts.detectedType;
  if (!isAllowedContentType(detected)) return { outcome: 'rejected', reason: 'type_not_allowed' };
  if (detected !== intent.declaredContentType) return { outcome: 'rejected', reason: 'type_mismatch' };
  return wellFormed(detected, facts) ? { outcome: 'accepted', contentType: detected } : { outcome: 'rejected', reason: 'malformed' };
}

function wellFormed(type: AllowedContentType, facts: ContentFacts): boolean {
  switch (type) {
    case 'application/pdf':
      return facts.pdf?.header === true && facts.pdf.trailer;
    case 'application/vnd.openxmlformats-officedocument.wordprocessingml.document':
      return facts.zip !== undefined && isSafeDocx(facts.zip);
    case 'image/png':
    case 'image/jpeg':
      return facts.image?.complete === true;
    case 'application/msword':
      // Detected only when the compound file's directory holds a WordDocument stream.
      return true;
  }
}

/** A real Office package within bounds: `[Content_Types].xml` and `word/document.xml`, few entries, no bomb. */
export function isSafeDocx(zip: ZipFacts): boolean {
  return (
    zip.readable &&
    zip.hasContentTypes &&
    zip.hasMainDocument &&
    zip.entryCount <= docxLimits.maxEntries &&
    zip.uncompressedBytes <= docxLimits.maxUncompressedBytes &&
    zip.worstRatio <= docxLimits.maxRatio
  );
}
