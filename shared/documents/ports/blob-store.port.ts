/** Document storage as Stageline needs it; no vendor type crosses this port. */
export interface BlobStore {
  /** Resolves when the storage account answers. */
  check(): Promise<void>;
}
