import type { Keyring } from './keyring.ts';

/** What one container's re-encryption did. */
export interface ReencryptionReport {
  readonly name: string;
  readonly scanned: number;
  readonly resealed: number;
  readonly failed: readonly { readonly id: string; readonly reason: string }[];
}

/**
 * Something that holds sealed values and can re-seal them with the keyring's current key:
 * each capability that encrypts registers one (calendar connections, webhooks, …); the rotation
 * command (`npm run rotate-keys`) runs them all.
 */
export interface Reencryptor {
  readonly name: string;
  reencrypt(keyring: Keyring, progress?: (scanned: number) => void): Promise<ReencryptionReport>;
}
