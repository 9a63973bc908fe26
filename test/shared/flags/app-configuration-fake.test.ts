import { Agent, request } from 'node:https';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { load } from '@azure/app-configuration-provider';
import { startAppConfigurationFake, type AppConfigurationFake } from '../../../local/fakes/app-configuration-fake.ts';
import { staticTokenCredential } from '../../../local/fakes/app-configuration-credential.ts';
import { ManualTimers } from '../../support/manual-timers.ts';

const TOKEN = 'fake-test-token';
const FF_CONTENT_TYPE = 'application/vnd.microsoft.appconfig.ff+json;charset=utf-8';
const FLAGS = '/kv?api-version=2026-04-01&key=.appconfig.featureflag/*&label=%00';

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly json: any;
}

let fake: AppConfigurationFake;
beforeEach(async () => {
  fake = await startAppConfigurationFake({ token: TOKEN, pageSize: 2 });
});
afterEach(async () => {
  await fake.stop();
  vi.restoreAllMocks();
});

/** A raw HTTPS call that trusts only the fake's certificate. */
function call(path: string, init: { method?: string; headers?: Record<string, string>; token?: string | null } = {}): Promise<Answer> {
  const token = init.token === undefined ? TOKEN : init.token;
  return new Promise((resolve, reject) => {
    const req = request(
      `${fake.endpoint}${path}`,
      { method: init.method ?? 'GET', ca: fake.certificatePem, agent: false, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('App Configuration fake: reads', () => {
  it('lists feature flags with the null label as key-values of the feature-flag content type', async () => {
    fake.setFeatureFlag('FEATURE_DYNAMIC_STAGES', true);
    fake.setFeatureFlag('FEATURE_DYNAMIC_STAGES', false, 'staging');
    fake.setKeyValue({ key: 'Stageline:Color', value: 'blue' });

    const res = await call(FLAGS);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.microsoft.appconfig.kvset+json; charset=utf-8');
    expect(res.json.items).toHaveLength(1);
    const [item] = res.json.items;
    expect(item).toMatchObject({ key: '.appconfig.featureflag/FEATURE_DYNAMIC_STAGES', label: null, content_type: FF_CONTENT_TYPE, locked: false, tags: {} });
    expect(JSON.parse(item.value)).toEqual({ id: 'FEATURE_DYNAMIC_STAGES', description: '', enabled: true, conditions: { client_filters: [] } });
    expect(item.etag).toMatch(/^\S+$/);
    expect(item.last_modified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    expect(res.headers.etag).toBe(`"${res.json.etag}"`);
    expect(res.headers['sync-token']).toMatch(/^[^=]+=[^;]+;sn=3$/);
    expect(res.headers['x-ms-request-id']).toBeDefined();
  });

  it('filters keys and labels as the service documents: any, prefix, lists, escapes', async () => {
    fake.setKeyValue({ key: 'Stageline:A', value: '1' });
    fake.setKeyValue({ key: 'Stageline:B', value: '2', label: 'prod' });
    fake.setKeyValue({ key: 'Other,Key*', value: '3' });
    const keys = async (query: string) => ((await call(`/kv?${query}`)).json.items as { key: string; label: string | null }[]).map((i) => `${i.key}|${i.label}`);

    expect(await keys('key=*&label=*')).toEqual(['Other,Key*|null', 'Stageline:A|null']);
    // pageSize is 2: the first page of three
    expect(await keys('key=Stageline:*')).toEqual(['Stageline:A|null', 'Stageline:B|prod']);
    expect(await keys('key=Stageline:*&label=%00')).toEqual(['Stageline:A|null']);
    expect(await keys('key=Stageline:*&label=prod')).toEqual(['Stageline:B|prod']);
    expect(await keys('key=Stageline:A,Stageline:B&label=pr*')).toEqual(['Stageline:B|prod']);
    expect(await keys(`key=${encodeURIComponent('Other\\,Key\\*')}`)).toEqual(['Other,Key*|null']);
  });

  it('refuses a wildcard that is not at the end, like the service, with a problem body', async () => {
    const res = await call('/kv?key=*Stageline');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json).toMatchObject({ type: 'https://azconfig.io/errors/invalid-argument', title: "Invalid request parameter 'key'", name: 'key', status: 400 });
  });

  it('answers 304 to If-None-Match with the current page etag, and 200 once a key-value changed', async () => {
    fake.setFeatureFlag('FEATURE_DYNAMIC_STAGES', true);
    const first = await call(FLAGS);

    const unchanged = await call(FLAGS, { headers: { 'if-none-match': first.headers.etag as string } });
    expect(unchanged.status).toBe(304);
    expect(unchanged.text).toBe('');

    fake.setFeatureFlag('FEATURE_DYNAMIC_STAGES', false);
    const changed = await call(FLAGS, { headers: { 'if-none-match': first.headers.etag as string } });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(first.headers.etag);
    expect(JSON.parse(changed.json.items[0].value).enabled).toBe(false);
  });

  it('pages with @nextLink and a Link header, also on a 304 page', async () => {
    for (const id of ['A', 'B', 'C']) fake.setFeatureFlag(id, true);
    const first = await call(FLAGS);
    expect(first.json.items.map((i: { key: string }) => i.key)).toEqual(['.appconfig.featureflag/A', '.appconfig.featureflag/B']);
    expect(first.headers.link).toBe(`<${first.json['@nextLink']}>; rel="next"`);

    const second = await call(first.json['@nextLink']);
    expect(second.json.items.map((i: { key: string }) => i.key)).toEqual(['.appconfig.featureflag/C']);
    expect(second.json['@nextLink']).toBeUndefined();

    const notModified = await call(FLAGS, { headers: { 'if-none-match': first.headers.etag as string } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.link).toBe(first.headers.link);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    fake.setFeatureFlag('FEATURE_DYNAMIC_STAGES', true);
    const get = await call(FLAGS);
    const head = await call(FLAGS, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.etag).toBe(get.headers.etag);
    expect(head.text).toBe('');
  });

  it('reads one key-value by key and label, with etag conditions', async () => {
    const stored = fake.setKeyValue({ key: 'Stageline:Color', value: 'blue', label: 'prod' });
    const res = await call('/kv/Stageline%3AColor?label=prod');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.microsoft.appconfig.kv+json; charset=utf-8');
    expect(res.json).toMatchObject({ key: 'Stageline:Color', label: 'prod', value: 'blue', etag: stored.etag });
    expect((await call('/kv/Stageline%3AColor')).status).toBe(404);
    expect((await call('/kv/Stageline%3AColor?label=prod', { headers: { 'if-none-match': `"${stored.etag}"` } })).status).toBe(304);
    expect((await call('/kv/Stageline%3AColor?label=prod', { headers: { 'if-match': '"other"' } })).status).toBe(412);
  });

  it('returns only the $select fields', async () => {
    fake.setKeyValue({ key: 'Stageline:A', value: '1' });
    const res = await call('/kv?key=Stageline:*&$select=key,value');
    expect(res.json.items).toEqual([{ key: 'Stageline:A', value: '1' }]);
    expect((await call('/kv?key=*&$select=key,secret')).status).toBe(400);
  });
});

describe('App Configuration fake: refusals', () => {
  it('answers 401 with a WWW-Authenticate challenge without a bearer token or with the wrong one', async () => {
    for (const token of [null, 'wrong-token']) {
      const res = await call(FLAGS, { token });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toContain('Bearer error="invalid_token"');
      expect(res.headers['sync-token']).toBeUndefined();
    }
  });

  it('refuses a malformed Sync-Token and accepts one it issued', async () => {
    const issued = (await call(FLAGS)).headers['sync-token'] as string;
    expect((await call(FLAGS, { headers: { 'sync-token': issued.split(';')[0]! } })).status).toBe(200);
    const res = await call(FLAGS, { headers: { 'sync-token': 'not a token' } });
    expect(res.status).toBe(400);
    expect(res.json.name).toBe('Sync-Token');
  });

  it('does not implement writes or revisions and says so instead of answering wrongly', async () => {
    expect((await call('/kv/Stageline%3AA', { method: 'PUT' })).status).toBe(405);
    expect((await call(FLAGS, { headers: { 'accept-datetime': new Date().toUTCString() } })).status).toBe(400);
    expect((await call('/kv?snapshot=nightly')).json).toMatchObject({ status: 404, type: 'https://azconfig.io/errors/not-found' });
  });
});

describe('App Configuration fake: outages', () => {
  it('refuses connections while down and answers on the same endpoint once back', async () => {
    fake.setFeatureFlag('FEATURE_DYNAMIC_STAGES', true);
    await fake.goDown({ kind: 'refuse' });
    await expect(call(FLAGS)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await fake.comeBack();
    const res = await call(FLAGS);
    expect(res.status).toBe(200);
    expect(res.json.items).toHaveLength(1);
  });

  it('answers every call with the outage status: 503, and 429 with retry-after-ms', async () => {
    await fake.goDown({ kind: 'status', status: 503 });
    const unavailable = await call(FLAGS);
    expect(unavailable.status).toBe(503);
    expect(unavailable.json).toMatchObject({ status: 503 });

    await fake.goDown({ kind: 'status', status: 429, retryAfterMs: 1500 });
    const throttled = await call(FLAGS);
    expect(throttled.status).toBe(429);
    expect(throttled.json.type).toBe('https://azconfig.io/errors/too-many-requests');
    expect(throttled.headers['retry-after-ms']).toBe('1500');

    await fake.comeBack();
    expect((await call(FLAGS)).status).toBe(200);
  });

  it('drops connections without an answer (reset) or never answers (hang) until it comes back', async () => {
    await fake.goDown({ kind: 'reset' });
    await expect(call(FLAGS)).rejects.toMatchObject({ code: 'ECONNRESET' });

    await fake.goDown({ kind: 'hang' });
    const pending = call(FLAGS);
    const early = await Promise.race([pending.then(() => 'answered', () => 'failed'), new Promise((r) => setTimeout(() => r('pending'), 300))]);
    expect(early).toBe('pending');
    await fake.comeBack();
    await expect(pending).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(fake.calls.map((c) => c.status)).toEqual([0, 0]);
  });
});

describe('App Configuration fake: with the real provider', () => {
  it('serves load() and refresh(): bearer token, paged lists, conditional re-checks, sync tokens echoed', async () => {
    // The provider refreshes at most once per refresh interval, measured with Date.now(): a manual clock lets it pass at once.
    const clock = new ManualTimers();
    vi.spyOn(Date, 'now').mockImplementation(() => clock.now());
    for (const id of ['A', 'B', 'FEATURE_DYNAMIC_STAGES']) fake.setFeatureFlag(id, true);
    const agent = new Agent({ keepAlive: true, ca: fake.certificatePem });
    const provider = await load(fake.endpoint, staticTokenCredential(TOKEN), {
      selectors: [{ keyFilter: 'Stageline:*' }],
      featureFlagOptions: { enabled: true, refresh: { enabled: true, refreshIntervalInMs: 1000 } },
      replicaDiscoveryEnabled: false,
      clientOptions: { agent },
    });
    try {
      const loaded = provider.get<{ feature_flags: { id: string; enabled: boolean }[] }>('feature_management');
      expect(loaded?.feature_flags.map((f) => [f.id, f.enabled])).toEqual([['A', true], ['B', true], ['FEATURE_DYNAMIC_STAGES', true]]);

      await clock.advance(1100);
      await provider.refresh(); // nothing changed: 304 on both pages
      fake.setFeatureFlag('FEATURE_DYNAMIC_STAGES', false);
      await clock.advance(1100);
      await provider.refresh(); // changed: 200 on the second page, then a full reload
      const refreshed = provider.get<{ feature_flags: { id: string; enabled: boolean }[] }>('feature_management');
      expect(refreshed?.feature_flags.find((f) => f.id === 'FEATURE_DYNAMIC_STAGES')?.enabled).toBe(false);

      const seen = fake.calls.map((c) => `${c.method} ${c.path.replace(/after=[^&]+&/, 'after=*&')} ${c.status}${c.headers['if-none-match'] ? ' conditional' : ''}`);
      expect(seen).toEqual([
        'GET /kv?api-version=2026-04-01&key=Stageline:*&label=%00 200',
        `GET ${FLAGS} 200`,
        `GET /kv?after=*&${FLAGS.slice(4)} 200`,
        `GET ${FLAGS} 304 conditional`,
        `GET /kv?after=*&${FLAGS.slice(4)} 304 conditional`,
        `GET ${FLAGS} 304 conditional`, // the changed flag sorts onto the second page
        `GET /kv?after=*&${FLAGS.slice(4)} 200 conditional`,
        `GET ${FLAGS} 200`,
        `GET /kv?after=*&${FLAGS.slice(4)} 200`,
      ]);
      expect(fake.calls.every((c) => c.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
      expect(fake.calls.slice(1).every((c) => /^[^=]+=[^;]+$/.test(c.headers['sync-token'] ?? ''))).toBe(true);
    } finally {
      agent.destroy();
    }
  });
});
