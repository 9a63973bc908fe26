import type { BlobFacts } from '../domain/content-gate.ts';

/** The two places documents live: where clients upload, and where verified documents are kept. */
export type BlobArea = 'quarantine' | 'documents';

export interface BlobLocation {
  readonly area: BlobArea;
  readonly name: string;
}

export interface UploadUrlOptions {
  /** The type the client declared: the only one it may send (the gate checks what arrived). */
  readonly contentType: string;
  readonly expiresAt: Date;
}

export interface ReadUrlOptions {
  readonly expiresAt: Date;
  /** Served as `Content-Type` on download. */
  readonly contentType: string;
  /** Served as `Content-Disposition` on download. */
  readonly contentDisposition: string;
}

/**
 * Document storage as Stageline needs it; no vendor type crosses this port. A failure to reach
 * storage is `STORAGE.UNAVAILABLE` (with retry advice); every other answer is a value.
 */
export interface BlobStore {
  /** Resolves when the storage account answers. */
  check(): Promise<void>;
  /**
   * A URL that lets its holder create or overwrite this one blob, and nothing else (no read, no
   * delete, no other name), until `expiresAt`. Storage is asked first that the name is free, so
   * an unreachable storage answers here, not at the client's PUT.
   */
  uploadUrl(blob: BlobLocation, options: UploadUrlOptions): Promise<string>;
  /** A URL that lets its holder read this one blob until `expiresAt`, downloaded as an attachment. */
  readUrl(blob: BlobLocation, options: ReadUrlOptions): Promise<string>;
  /** Size, ETag and time of the blob's current version; `undefined` when there is none. */
  inspect(blob: BlobLocation): Promise<BlobFacts | undefined>;
  /**
   * The bytes of exactly the version `etag` (at most `maxBytes`); `undefined` when the blob is
   * gone or has changed since.
   */
  read(blob: BlobLocation, etag: string, maxBytes: number): Promise<Uint8Array | undefined>;
  /** Writes (or overwrites with) these bytes. */
  write(blob: BlobLocation, bytes: Uint8Array, contentType: string): Promise<void>;
  /** Deletes the blob (only the version `etag`, when given); a blob already gone is no error. */
  delete(blob: BlobLocation, etag?: string): Promise<void>;
}
