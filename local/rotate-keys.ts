/**
 * `npm run rotate-keys`: re-encrypts every sealed value (calendar tokens, channel tokens, and
 * whatever else a capability registers in `reencryptorsOf`) with the current encryption key.
 *
 *   Azure:  ENCRYPTION_KEYS / ENCRYPTION_KEY_ID / CosmosConnection__* in the environment
 *           (the Function App's values; see docs/operations in README) → npm run rotate-keys
 *   Local:  npm run rotate-keys -- --data-dir .stageline --add-key k2   (adds a key, makes it current)
 *           restart `npm start` (the app must know a key before anything is sealed with it)
 *           npm run rotate-keys -- --data-dir .stageline               (re-encrypts the host's data)
 *
 * Prints progress on stderr and a report on stdout; exits 1 when a record could not be re-sealed.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { reencryptorsOf } from '../shared/composition-root.ts';
import { ConfigError, loadKeyRotationConfig, type Settings } from '../shared/platform/config.ts';
import { createCosmosClient } from '../shared/platform/cosmos/cosmos-client.ts';
import { createKeyring } from '../shared/platform/crypto/keyring.ts';
import { rotateKeys } from '../shared/platform/crypto/rotate-keys.ts';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    'add-key': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});

if (values.help) {
  console.log(`Usage: npm run rotate-keys -- [--data-dir <dir> [--add-key <id>]]

  (no options)   settings from the environment (Azure: CosmosConnection__*, ENCRYPTION_KEYS, ENCRYPTION_KEY_ID)
  --data-dir     a local host's data folder: its Cosmos DB server and its keys (<dir>/keys/encryption.json)
  --add-key <id> local only: add a new random key and make it current, then restart the host and run again`);
  process.exit(0);
}

function localSettings(dataDir: string): Settings {
  const hostSettings = join(dataDir, 'host-settings.json');
  if (!existsSync(hostSettings)) throw new Error(`${hostSettings} not found: start the local host with this data folder first (npm start -- --data-dir ${dataDir}).`);
  const settings = JSON.parse(readFileSync(hostSettings, 'utf8')) as Record<string, string>;
  // The keys file is the source of truth: it may have gained a key since the host started.
  const keys = JSON.parse(readFileSync(join(dataDir, 'keys', 'encryption.json'), 'utf8')) as { current: string; keys: Record<string, string> };
  return { ...settings, ENCRYPTION_KEYS: JSON.stringify(keys.keys), ENCRYPTION_KEY_ID: keys.current };
}

function addKey(dataDir: string, id: string): void {
  const path = join(dataDir, 'keys', 'encryption.json');
  const stored = JSON.parse(readFileSync(path, 'utf8')) as { current: string; keys: Record<string, string> };
  if (id in stored.keys) throw new Error(`Key '${id}' exists already in ${path}.`);
  stored.keys[id] = randomBytes(32).toString('base64');
  stored.current = id;
  writeFileSync(path, JSON.stringify(stored, null, 2), { mode: 0o600 });
  console.log(`Added key '${id}' to ${path} and made it current (keys: ${Object.keys(stored.keys).join(', ')}).
Restart the local host so it knows the key, then run: npm run rotate-keys -- --data-dir ${dataDir}`);
}

try {
  const dataDir = values['data-dir'] === undefined ? undefined : resolve(values['data-dir']);
  if (values['add-key'] !== undefined) {
    if (dataDir === undefined) throw new Error('--add-key works on a local data folder (--data-dir); in Azure add the key to the Key Vault secret behind ENCRYPTION_KEYS.');
    addKey(dataDir, values['add-key']);
    process.exit(0);
  }
  const config = loadKeyRotationConfig(dataDir === undefined ? process.env : localSettings(dataDir));
  const keyring = createKeyring(config.encryption.keys, config.encryption.currentKeyId);
  const cosmos = createCosmosClient(config.cosmos);
  const database = cosmos.database(config.cosmos.databaseName);
  console.error(`Re-encrypting with key '${keyring.current.id}' (${keyring.ids.length} key(s) configured) in ${config.cosmos.endpoint} ${config.cosmos.databaseName}…`);
  const report = await rotateKeys(reencryptorsOf(database), keyring, (name, scanned) => {
    if (scanned % 100 === 0) console.error(`  ${name}: ${scanned} records scanned`);
  });
  cosmos.dispose();
  for (const part of report.reports) {
    console.error(`  ${part.name}: ${part.scanned} scanned, ${part.resealed} re-sealed, ${part.failed.length} failed`);
    for (const failure of part.failed) console.error(`    ${failure.id}: ${failure.reason}`);
  }
  console.log(JSON.stringify(report, null, 2));
  process.exit(report.failed > 0 ? 1 : 0);
} catch (error) {
  console.error(error instanceof ConfigError || error instanceof Error ? error.message : String(error));
  process.exit(2);
}
