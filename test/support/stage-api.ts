import { writeFileSync } from 'node:fs';
import type { ItemDefinition } from '@azure/cosmos';
import { DYNAMIC_STAGES_FLAG } from '../../shared/flags/ports/feature-gate.port.ts';
import type { DevRole } from '../../local/dev-issuer.ts';
import { waitFor } from '../local/cosmos-support/cosmos-fixtures.ts';
import { startTestStack, type TestStack } from './local-stack.ts';

export const offerLetter = { documentId: 'doc-1', fileName: 'offer.pdf', contentType: 'application/pdf', size: 2048 };

export interface ApiStack extends TestStack {
  /** A token for `role` in `tenant` as `sub` (cached). */
  as(role: DevRole, tenant: string, sub: string): Promise<string>;
  /** The stored application document, Cosmos system fields included. */
  raw(applicationId: string): Promise<ItemDefinition | undefined>;
  /**
   * The stored document once the outbox publisher (change feed) has drained its outbox: from then
   * on nothing but a request changes it, so before/after comparisons can include the `_etag`.
   */
  settled(applicationId: string): Promise<ItemDefinition | undefined>;
  /** Every stored application id. */
  applicationIds(): Promise<string[]>;
  /** Rewrites the flags file and waits until the app sees the new state. */
  setFlag(state: 'on' | 'off' | 'unavailable'): Promise<void>;
  /** POST/GET helper returning status, headers and parsed JSON body. */
  call(path: string, init?: { method?: string; token?: string; json?: unknown; body?: string; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; body: any }>;
}

/** The local stack with flags re-read every second, plus helpers for the stage API tests. */
export async function startApiStack(): Promise<ApiStack> {
  const stack = await startTestStack({ settings: { FEATURE_FLAGS_REFRESH_SECONDS: '1' } });
  const tokens = new Map<string, Promise<string>>();
  const applications = stack.host.services.database.container('applications');
  const as = (role: DevRole, tenant: string, sub: string) => {
    const key = `${role}|${tenant}|${sub}`;
    if (!tokens.has(key)) tokens.set(key, stack.token(role, tenant, sub));
    return tokens.get(key)!;
  };
  return {
    ...stack,
    as,
    raw: async (id) => (await applications.item(id, id).read()).resource,
    async settled(id) {
      let current: ItemDefinition | undefined;
      await waitFor(async () => {
        current = (await applications.item(id, id).read()).resource;
        return current === undefined || (current['outbox'] as unknown[]).length === 0;
      }, `the outbox of ${id} to drain`);
      return current;
    },
    applicationIds: async () => (await applications.items.query<{ id: string }>('SELECT c.id FROM c').fetchAll()).resources.map((r) => r.id).sort(),
    async setFlag(state) {
      const content =
        state === 'unavailable'
          ? '{ this is not json'
          : JSON.stringify({ feature_management: { feature_flags: [{ id: DYNAMIC_STAGES_FLAG, enabled: state === 'on', conditions: { client_filters: [] } }] } });
      writeFileSync(stack.host.flagsFile, content);
      await waitFor(async () => (await stack.host.services.flags.state(DYNAMIC_STAGES_FLAG)).status === state, `flag ${state}`);
    },
    async call(path, init = {}) {
      const headers: Record<string, string> = { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...init.headers };
      let body: string | undefined = init.body;
      if (init.json !== undefined) {
        body = JSON.stringify(init.json);
        headers['content-type'] = 'application/json';
      }
      const response = await fetch(`${stack.baseUrl}/api${path}`, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, ...(body === undefined ? {} : { body }) });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, headers: response.headers, body: parsed };
    },
  };
}
