import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The encryption settings the local host hands the app: keys made once per data folder. */
export interface LocalEncryptionKeys {
  /** `ENCRYPTION_KEYS`: JSON object of key id → base64 key. */
  readonly keys: string;
  /** `ENCRYPTION_KEY_ID`. */
  readonly currentKeyId: string;
  readonly path: string;
}

/**
 * Keeps the local encryption keys in `<data>/keys/encryption.json` (mode 600), made on first
 * start and kept across `--reset` like the certificate and the token issuer's key, so data
 * encrypted before a restart still opens. In Azure the keys come from Key Vault instead.
 */
export function ensureLocalEncryptionKeys(dataDir: string): LocalEncryptionKeys {
  const dir = join(dataDir, 'keys');
  const path = join(dir, 'encryption.json');
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    const id = `local-${new Date().toISOString().slice(0, 10)}`;
    writeFileSync(path, JSON.stringify({ current: id, keys: { [id]: randomBytes(32).toString('base64') } }, null, 2), { mode: 0o600 });
  }
  const stored = JSON.parse(readFileSync(path, 'utf8')) as { current: string; keys: Record<string, string> };
  return { keys: JSON.stringify(stored.keys), currentKeyId: stored.current, path };
}
