import { z } from 'zod';

/** One AES-256 key and the id records name it by. */
export interface EncryptionKey {
  readonly id: string;
  readonly key: Buffer;
}

/**
 * The keys data is encrypted with: `current` encrypts, every key (current and retired ones)
 * decrypts. Keys come from configuration (`ENCRYPTION_KEYS`, a Key Vault reference in Azure);
 * rotating means adding a key, making it current, and re-encrypting (`npm run rotate-keys`).
 */
export interface Keyring {
  readonly current: EncryptionKey;
  byId(id: string): EncryptionKey | undefined;
  readonly ids: readonly string[];
}

const keyIdSchema = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a key id: 1–64 letters, digits, . _ -');

/** `ENCRYPTION_KEYS`: a JSON object of key id → base64 (or base64url) of exactly 32 random bytes. */
export const encryptionKeysSchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'a JSON object of key id → base64 key' });
      return z.NEVER;
    }
  })
  .pipe(
    z.record(
      keyIdSchema,
      z.string().refine((value) => Buffer.from(value, 'base64').length === 32, { message: 'each key must be 32 bytes, base64-encoded' }),
    ),
  )
  .refine((keys) => Object.keys(keys).length > 0, { message: 'at least one key' });

export function createKeyring(keys: Readonly<Record<string, string>>, currentId: string): Keyring {
  const byId = new Map(Object.entries(keys).map(([id, value]) => [id, { id, key: Buffer.from(value, 'base64') }]));
  const current = byId.get(currentId);
  if (current === undefined) throw new Error(`The current encryption key '${currentId}' is not among the configured keys (${[...byId.keys()].join(', ')}).`);
  for (const key of byId.values()) if (key.key.length !== 32) throw new Error(`Encryption key '${key.id}' is not 32 bytes.`);
  return { current, byId: (id) => byId.get(id), ids: [...byId.keys()] };
}
