import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The local OAuth client of the Calendar fake and the key that signs OAuth state. */
export interface LocalCalendarSecrets {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly stateKey: string;
}

/**
 * Made once per data folder (`<data>/keys/calendar.json`, mode 600) and kept across `--reset`,
 * like the encryption keys: connections made before a restart keep working against the fake.
 */
export function ensureLocalCalendarSecrets(dataDir: string): LocalCalendarSecrets {
  const dir = join(dataDir, 'keys');
  const path = join(dir, 'calendar.json');
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    const secrets: LocalCalendarSecrets = {
      clientId: 'stageline-local.apps.calendar.fake',
      clientSecret: randomBytes(24).toString('base64url'),
      stateKey: randomBytes(32).toString('base64'),
    };
    writeFileSync(path, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return JSON.parse(readFileSync(path, 'utf8')) as LocalCalendarSecrets;
}
