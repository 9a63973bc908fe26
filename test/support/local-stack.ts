import { mkdtempSync, rmSync } from 'node:fs';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalHost, type LocalHost } from '../../local/host/local-host.ts';
import { signDevToken, type DevRole } from '../../local/dev-issuer.ts';

export interface TestStack {
  readonly host: LocalHost;
  readonly baseUrl: string;
  readonly dataDir: string;
  /** A token the stack accepts. */
  token(role: DevRole, tenant: string, sub: string): Promise<string>;
  /** fetch against the stack's `/api`, with an optional bearer token and JSON body. */
  api(path: string, init?: { method?: string; token?: string; json?: unknown; headers?: Record<string, string> }): Promise<Response>;
  stop(): Promise<void>;
}

/** Starts the whole local stack on free ports in a temporary data folder. */
export async function startTestStack(options: { settings?: Record<string, string>; dataDir?: string; metricReaders?: readonly IMetricReader[] } = {}): Promise<TestStack> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'stageline-test-'));
  const lines: string[] = [];
  const host = await startLocalHost({
    dataDir,
    port: 0,
    servicePorts: 'ephemeral',
    log: (line) => lines.push(line),
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.metricReaders ? { metricReaders: options.metricReaders } : {}),
  });
  return {
    host,
    baseUrl: host.baseUrl,
    dataDir,
    token: (role, tenant, sub) => signDevToken(dataDir, { role, tenant, sub }),
    api: (path, init = {}) =>
      fetch(`${host.baseUrl}/api${path}`, {
        method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
        headers: {
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
          ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
          ...init.headers,
        },
        ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
      }),
    async stop() {
      await host.stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
