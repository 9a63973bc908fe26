import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One key ring the local host hands the app: JSON of key id → base64 key, and the current id. */
export interface LocalKeyRing {
  readonly keys: string;
  readonly currentKeyId: string;
  readonly path: string;
}

/**
 * Keeps a local key ring in `<data>/keys/<name>.json` (mode 600), made on first start and kept
 * across `--reset` like the certificate and the token issuer's key, so data protected before a
 * restart still opens. In Azure the keys come from Key Vault instead.
 */
export function ensureLocalKeyRing(dataDir: string, name: 'encryption' | 'timeline-signing'): LocalKeyRing {
  const dir = join(dataDir, 'keys');
  const path = join(dir, `${name}.json`);
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    const id = `local-${new Date().toISOString().slice(0, 10)}`;
    writeFileSync(path, JSON.stringify({ current: id, keys: { [id]: randomBytes(32).toString('base64') } }, null, 2), { mode: 0o600 });
  }
  const stored = JSON.parse(readFileSync(path, 'utf8')) as { current: string; keys: Record<string, string> };
  return { keys: JSON.stringify(stored.keys), currentKeyId: stored.current, path };
}
