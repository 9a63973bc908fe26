import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Keyring } from './keyring.ts';

/**
 * A secret as stored: AES-256-GCM ciphertext with the id of the key that made it, a random
 * 96-bit IV and the 128-bit tag, all base64url. `aad` binds it to where it lives (e.g.
 * `webhooks/<id>/url`): the same ciphertext copied into another record does not decrypt.
 */
export const sealedSchema = z.strictObject({
  v: z.literal(1),
  kid: z.string().min(1).max(64),
  iv: z.string().min(1),
  tag: z.string().min(1),
  ct: z.string(),
});
export type Sealed = z.infer<typeof sealedSchema>;

export function seal(keyring: Keyring, plaintext: string, aad: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyring.current.key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { v: 1, kid: keyring.current.id, iv: iv.toString('base64url'), tag: cipher.getAuthTag().toString('base64url'), ct: ct.toString('base64url') };
}

export class DecryptionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DecryptionError';
  }
}

/** The plaintext; `DecryptionError` for an unknown key id, a wrong `aad` or any tampering. */
export function open(keyring: Keyring, sealed: Sealed, aad: string): string {
  const key = keyring.byId(sealed.kid);
  if (key === undefined) throw new DecryptionError(`No encryption key '${sealed.kid}' is configured (configured: ${keyring.ids.join(', ')}).`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(sealed.iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64url')), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new DecryptionError(`A sealed value under key '${sealed.kid}' does not open: wrong key, wrong record, or tampered.`, { cause: error });
  }
}

/** Whether a sealed value was made with a key other than the current one (rotation re-seals it). */
export function isStale(keyring: Keyring, sealed: Sealed): boolean {
  return sealed.kid !== keyring.current.id;
}

/** Opens with any configured key and seals again with the current one. */
export function reseal(keyring: Keyring, sealed: Sealed, aad: string): Sealed {
  return seal(keyring, open(keyring, sealed, aad), aad);
}
