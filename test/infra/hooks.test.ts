import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from './infra-declarations.ts';

/**
 * The azd hooks against a scripted `az` (no Azure here): what they create, what they keep, and that
 * a permission error (role assignments still applying) is retried instead of being taken for
 * "missing" — which would replace an encryption key and make stored data unreadable.
 */
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface FakeAz {
  /** Secrets that exist. */
  readonly secrets?: readonly string[];
  /** `show` answers "forbidden" this many times first (role assignment not yet applied). */
  readonly forbiddenShows?: number;
  readonly flagExists?: boolean;
  /** `functionapp keys list` answers nothing this many times first (the host has not started). */
  readonly missingKeyTimes?: number;
}

function runHook(hook: 'postprovision' | 'postdeploy', fake: FakeAz = {}): { status: number | null; stdout: string; calls: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'stageline-hook-'));
  dirs.push(dir);
  const state = join(dir, 'state');
  writeFileSync(state, '0');
  const az = `#!/bin/sh
echo "az $*" >> "${dir}/calls.log"
count() { n=$(cat "${state}.$1" 2>/dev/null || echo 0); echo $((n + 1)) > "${state}.$1"; echo "$n"; }
case "$*" in
  "keyvault secret show"*)
    if [ "$(count show)" -lt ${fake.forbiddenShows ?? 0} ]; then echo "ERROR: (Forbidden) The user does not have secrets get permission" >&2; exit 1; fi
    for s in ${(fake.secrets ?? []).join(' ')}; do case "$*" in *"--name $s "*) echo id; exit 0 ;; esac; done
    echo "ERROR: (SecretNotFound) A secret with (name/id) x was not found in this key vault." >&2; exit 3 ;;
  "keyvault secret set"*) exit 0 ;;
  "appconfig feature show"*) ${fake.flagExists ? 'exit 0' : `echo "ERROR: Feature flag 'FEATURE_DYNAMIC_STAGES' with label 'None' not found." >&2; exit 3`} ;;
  "appconfig feature set"*|"appconfig feature disable"*) exit 0 ;;
  "functionapp keys list"*) if [ "$(count keys)" -lt ${fake.missingKeyTimes ?? 0} ]; then exit 0; fi; echo "blob-key"; exit 0 ;;
  "eventgrid system-topic event-subscription create"*) exit 0 ;;
esac
echo "unexpected az call: $*" >&2; exit 9
`;
  writeFileSync(join(dir, 'az'), az);
  writeFileSync(join(dir, 'openssl'), '#!/bin/sh\necho "cmFuZG9tLWJ5dGVzLWZvci10ZXN0cy1vbmx5LTMyYnl0ZXM="\n');
  writeFileSync(join(dir, 'sleep'), '#!/bin/sh\nexit 0\n');
  writeFileSync(join(dir, 'curl'), '#!/bin/sh\nexit 0\n');
  for (const tool of ['az', 'openssl', 'sleep', 'curl']) chmodSync(join(dir, tool), 0o755);
  const result = spawnSync('sh', [join(ROOT, 'infra/hooks', `${hook}.sh`)], {
    encoding: 'utf8',
    env: {
      PATH: `${dir}:${process.env.PATH ?? ''}`,
      TMPDIR: dir,
      AZURE_KEY_VAULT_NAME: 'kv-test',
      AZURE_APP_CONFIGURATION_ENDPOINT: 'https://appcs-test.azconfig.io',
      AZURE_RESOURCE_GROUP: 'rg-test',
      AZURE_FUNCTION_APP_NAME: 'func-api-test',
      AZURE_FUNCTION_APP_HOSTNAME: 'func-api-test.azurewebsites.net',
      EVENT_GRID_SYSTEM_TOPIC_NAME: 'evgt-docs-test',
    },
  });
  let calls: string[] = [];
  try {
    calls = readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n');
  } catch {
    // no az call at all
  }
  return { status: result.status, stdout: result.stdout + result.stderr, calls };
}

describe('postprovision hook', () => {
  it('creates the missing secrets and the flag (off), and keeps what exists', () => {
    const run = runHook('postprovision', { secrets: ['ENCRYPTION-KEYS'] });
    expect(run.status, run.stdout).toBe(0);
    const sets = run.calls.filter((call) => call.startsWith('az keyvault secret set')).map((call) => /--name (\S+)/.exec(call)![1]);
    expect(sets).toEqual(['TIMELINE-SIGNING-KEYS', 'CALENDAR-OAUTH-STATE-KEY', 'GOOGLE-OAUTH-CLIENT-SECRET']);
    // Values come from a private file, never the command line.
    for (const call of run.calls.filter((c) => c.startsWith('az keyvault secret set'))) expect(call).toMatch(/--file \S+ --encoding utf-8/);
    expect(run.calls).toContain('az appconfig feature set --endpoint https://appcs-test.azconfig.io --auth-mode login --feature FEATURE_DYNAMIC_STAGES --yes --output none');
    expect(run.calls).toContain('az appconfig feature disable --endpoint https://appcs-test.azconfig.io --auth-mode login --feature FEATURE_DYNAMIC_STAGES --yes --output none');
    expect(run.stdout).toContain('Key Vault secret ENCRYPTION-KEYS: exists, kept');
  });

  it('retries while it may not read the vault yet, and then keeps the existing secrets', () => {
    const run = runHook('postprovision', { secrets: ['ENCRYPTION-KEYS', 'TIMELINE-SIGNING-KEYS', 'CALENDAR-OAUTH-STATE-KEY', 'GOOGLE-OAUTH-CLIENT-SECRET'], forbiddenShows: 3, flagExists: true });
    expect(run.status, run.stdout).toBe(0);
    expect(run.calls.filter((call) => call.startsWith('az keyvault secret set'))).toEqual([]);
    expect(run.calls.filter((call) => call.startsWith('az appconfig feature set') || call.startsWith('az appconfig feature disable'))).toEqual([]);
    expect(run.stdout).toContain('cannot read secret ENCRYPTION-KEYS yet');
    expect(run.stdout).toContain('App Configuration flag FEATURE_DYNAMIC_STAGES: exists, kept as it is');
  });
});

describe('postdeploy hook', () => {
  it('waits for the blobs_extension key, then subscribes the content gate to BlobCreated in quarantine/', () => {
    const run = runHook('postdeploy', { missingKeyTimes: 2 });
    expect(run.status, run.stdout).toBe(0);
    expect(run.calls.filter((call) => call.startsWith('az functionapp keys list'))).toHaveLength(3);
    const create = run.calls.find((call) => call.startsWith('az eventgrid system-topic event-subscription create'))!;
    expect(create).toContain('--endpoint https://func-api-test.azurewebsites.net/runtime/webhooks/blobs?functionName=Host.Functions.contentGate&code=blob-key');
    expect(create).toContain('--included-event-types Microsoft.Storage.BlobCreated');
    expect(create).toContain('--subject-begins-with /blobServices/default/containers/quarantine/');
    expect(create).toContain('--system-topic-name evgt-docs-test');
  });
});
