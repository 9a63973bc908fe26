import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHAT_WINDOW_MS, chatWindowCapacity, reserveChatSlot, type ChatRateCursor } from '../../../shared/notifications/domain/chat-rate.ts';
import { classifyAttempt, DEFAULT_RETRY_SCHEDULE_MS, parseRetryAfter, retryDelayMs, type AttemptResult } from '../../../shared/notifications/domain/retry-policy.ts';
import { checkWebhookUrl } from '../../../shared/notifications/domain/webhook-url.ts';
import { afterAttempt, DISABLE_AFTER_FAILING_MS, signingSecrets, withRotatedSecret, type Webhook } from '../../../shared/notifications/domain/webhook.ts';
import { loadConfig } from '../../../shared/platform/config.ts';
import { azureSettings } from '../../support/settings-fixtures.ts';

describe('attempt classification', () => {
  const response = (status: number, retryAfterMs?: number): AttemptResult => ({ kind: 'response', status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  it.each([
    [response(200), 'delivered'],
    [response(204), 'delivered'],
    [response(299), 'delivered'],
    [response(301), 'permanent'],
    [response(302), 'permanent'],
    [response(308), 'permanent'],
    [response(400), 'permanent'],
    [response(401), 'permanent'],
    [response(403), 'permanent'],
    [response(404), 'permanent'],
    [response(410), 'permanent'],
    [response(408), 'retry'],
    [response(409), 'retry'],
    [response(422), 'retry'],
    [response(429), 'retry'],
    [response(500), 'retry'],
    [response(502), 'retry'],
    [response(503), 'retry'],
    [{ kind: 'timeout' }, 'retry'],
    [{ kind: 'network', code: 'ECONNREFUSED' }, 'retry'],
    [{ kind: 'blocked', reason: 'private address' }, 'permanent'],
  ] as const)('%j → %s', (result, verdict) => {
    expect(classifyAttempt(result).kind).toBe(verdict);
  });

  it('keeps a 429\'s Retry-After', () => {
    expect(classifyAttempt(response(429, 3000))).toEqual({ kind: 'retry', reason: 'HTTP 429', retryAfterMs: 3000 });
  });
});

describe('retry schedule', () => {
  it('defaults to about 5 s, 30 s, 2 min, 10 min, 30 min, 2 h, 6 h, 12 h, and a setting changes it', () => {
    expect(DEFAULT_RETRY_SCHEDULE_MS).toEqual([5_000, 30_000, 120_000, 600_000, 1_800_000, 7_200_000, 21_600_000, 43_200_000]);
    expect(loadConfig(azureSettings).notifications.retryScheduleMs).toEqual(DEFAULT_RETRY_SCHEDULE_MS);
    expect(loadConfig({ ...azureSettings, NOTIFICATIONS_RETRY_SCHEDULE: '100ms, 2s,1m,1h' }).notifications.retryScheduleMs).toEqual([100, 2000, 60_000, 3_600_000]);
    for (const bad of ['', 'soon', '5s,,10s', '0s', '2d', Array(21).fill('1s').join(',')]) {
      expect(() => loadConfig({ ...azureSettings, NOTIFICATIONS_RETRY_SCHEDULE: bad }), bad).toThrow(/NOTIFICATIONS_RETRY_SCHEDULE/);
    }
  });

  it('draws each wait uniformly below its ceiling (full jitter) and stops after the last', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 10, max: 86_400_000 }), { minLength: 1, maxLength: 10 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (schedule, draw) => {
        schedule.forEach((ceiling, index) => {
          const delay = retryDelayMs(index + 1, { kind: 'retry', reason: 'HTTP 500' }, schedule, 3_600_000, () => draw)!;
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(ceiling);
          expect(delay).toBe(Math.floor(draw * ceiling));
        });
        expect(retryDelayMs(schedule.length + 1, { kind: 'retry', reason: 'HTTP 500' }, schedule, 3_600_000, () => draw)).toBeUndefined();
      }),
    );
  });

  it('waits as long as Retry-After says, capped', () => {
    const verdict = (ms: number) => ({ kind: 'retry' as const, reason: 'HTTP 429', retryAfterMs: ms });
    expect(retryDelayMs(1, verdict(7_000), [5_000], 60_000, () => 0.5)).toBe(7_000);
    expect(retryDelayMs(1, verdict(86_400_000), [5_000], 60_000, () => 0.5)).toBe(60_000);
    expect(retryDelayMs(2, verdict(1_000), [5_000], 60_000, () => 0.5)).toBeUndefined();
    expect(parseRetryAfter('120', 0)).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('later', 0)).toBeUndefined();
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
  });
});

describe('Google Chat rate', () => {
  it('never hands out more than the per-minute budget in any 60 seconds, and never drops a message', () => {
    fc.assert(
      fc.property(fc.integer({ min: 6, max: 120 }), fc.array(fc.integer({ min: 0, max: 30_000 }), { minLength: 1, maxLength: 400 }), (perMinute, gaps) => {
        const capacity = chatWindowCapacity(perMinute);
        let cursor: ChatRateCursor | undefined;
        let now = 1_700_000_000_000;
        const slots: number[] = [];
        for (const gap of gaps) {
          now += gap;
          const reserved = reserveChatSlot(cursor, now, capacity);
          expect(reserved.slotAt).toBeGreaterThanOrEqual(now);
          cursor = reserved.cursor;
          slots.push(reserved.slotAt);
        }
        slots.sort((a, b) => a - b);
        for (let i = 0; i < slots.length; i += 1) {
          const inMinute = slots.filter((slot) => slot >= slots[i]! && slot < slots[i]! + 60_000).length;
          expect(inMinute).toBeLessThanOrEqual(perMinute);
        }
      }),
    );
  });

  it('queues a burst into the next windows instead of refusing it', () => {
    const capacity = chatWindowCapacity(60);
    let cursor: ChatRateCursor | undefined;
    const now = 1_700_000_000_000 - (1_700_000_000_000 % CHAT_WINDOW_MS);
    const slots = Array.from({ length: 25 }, () => {
      const reserved = reserveChatSlot(cursor, now, capacity);
      cursor = reserved.cursor;
      return reserved.slotAt - now;
    });
    expect(capacity).toBe(10);
    expect(slots).toEqual([...Array(10).fill(0), ...Array(10).fill(CHAT_WINDOW_MS), ...Array(5).fill(2 * CHAT_WINDOW_MS)]);
  });
});

describe('webhook URLs', () => {
  it.each([
    ['generic', 'https://hooks.example.com/in?x=1', 'azure', 'hooks.example.com'],
    ['generic', 'https://hooks.example.com:8443/in', 'azure', 'hooks.example.com:8443'],
    ['generic', 'http://hooks.example.com/in', 'azure', 'https is required'],
    ['generic', 'http://127.0.0.1:9000/in', 'azure', 'https is required'],
    ['generic', 'https://127.0.0.1/in', 'azure', 'loopback hosts are not allowed'],
    ['generic', 'https://localhost/in', 'azure', 'loopback hosts are not allowed'],
    ['generic', 'https://user:pw@hooks.example.com/in', 'azure', 'credentials in the URL are not allowed'],
    ['generic', 'ftp://hooks.example.com/in', 'azure', 'https is required'],
    ['generic', 'not a url', 'azure', 'not an absolute URL'],
    ['generic', 'http://127.0.0.1:9000/in', 'local', '127.0.0.1:9000'],
    ['generic', 'http://localhost:9000/in', 'local', 'localhost:9000'],
    ['generic', 'http://[::1]:9000/in', 'local', '[::1]:9000'],
    ['generic', 'http://hooks.example.com/in', 'local', 'http is allowed only to a loopback host (local mode)'],
    ['generic', 'https://hooks.example.com/in', 'local', 'hooks.example.com'],
    ['google_chat', 'https://chat.googleapis.com/v1/spaces/AAAA/messages?key=k&token=t', 'azure', 'chat.googleapis.com'],
    ['google_chat', 'https://chat.example.com/v1/spaces/AAAA/messages?key=k', 'azure', 'Google Chat webhooks must point at chat.googleapis.com'],
    ['google_chat', 'https://chat.googleapis.com/v1/spaces/AAAA/other', 'azure', 'a Google Chat incoming webhook URL looks like'],
    ['google_chat', 'http://127.0.0.1:9/v1/spaces/AAAA/messages?key=k', 'local', '127.0.0.1:9'],
  ] as const)('%s %s in %s → %s', (kind, url, mode, outcome) => {
    const checked = checkWebhookUrl(url, kind, mode);
    if (checked.ok) expect(checked.hint).toBe(outcome);
    else expect(checked.reason).toContain(outcome);
  });
});

describe('webhook endpoints', () => {
  const t0 = '2025-03-01T00:00:00.000Z';
  const webhook: Webhook = {
    id: 'wh_1', tenantId: 'acme', kind: 'generic', url: 'https://x.example/h', urlHint: 'x.example',
    secrets: [{ secret: 'whsec_old', createdAt: t0 }], enabled: true, createdAt: t0, createdBy: 'adm', updatedAt: t0,
  };
  const at = (ms: number) => new Date(Date.parse(t0) + ms).toISOString();

  it('signs with both secrets for 24 hours after a rotation, then with the new one only', () => {
    const rotated = withRotatedSecret(webhook, 'whsec_new', at(1000));
    expect(signingSecrets(rotated, at(2000))).toEqual(['whsec_new', 'whsec_old']);
    expect(signingSecrets(rotated, at(1000 + 24 * 3_600_000 - 1))).toEqual(['whsec_new', 'whsec_old']);
    expect(signingSecrets(rotated, at(1000 + 24 * 3_600_000))).toEqual(['whsec_new']);
    // Rotated again a day later: the expired secret is dropped; two rotations an hour apart keep each old one for its own 24 hours.
    const twice = withRotatedSecret(withRotatedSecret(rotated, 'whsec_third', at(25 * 3_600_000)), 'whsec_fourth', at(26 * 3_600_000));
    expect(twice.secrets.map((secret) => secret.secret)).toEqual(['whsec_fourth', 'whsec_third', 'whsec_new']);
    expect(signingSecrets(twice, at(49 * 3_600_000))).toEqual(['whsec_fourth', 'whsec_third']);
    expect(signingSecrets(twice, at(50 * 3_600_000))).toEqual(['whsec_fourth']);
  });

  it('disables an endpoint that failed every attempt for 24 hours; a success in between starts over', () => {
    const fail = { kind: 'retry' as const, reason: 'HTTP 500' };
    const first = afterAttempt(webhook, fail, at(0));
    expect(first.change).toBe('failing');
    expect(afterAttempt(first.webhook, fail, at(DISABLE_AFTER_FAILING_MS - 1)).change).toBe('none');
    const disabled = afterAttempt(first.webhook, { kind: 'permanent', reason: 'HTTP 410' }, at(DISABLE_AFTER_FAILING_MS));
    expect(disabled.change).toBe('disabled');
    expect(disabled.webhook).toMatchObject({ enabled: false, disabledAt: at(DISABLE_AFTER_FAILING_MS) });
    const recovered = afterAttempt(first.webhook, { kind: 'delivered' }, at(1000));
    expect(recovered.change).toBe('recovered');
    expect(recovered.webhook.failingSince).toBeUndefined();
    expect(afterAttempt(recovered.webhook, fail, at(DISABLE_AFTER_FAILING_MS + 1)).change).toBe('failing');
  });
});

describe('notification settings', () => {
  const local = { ...azureSettings, STAGELINE_ENVIRONMENT: 'local' };
  it('has the issue\'s defaults', () => {
    expect(loadConfig(azureSettings).notifications).toEqual({ retryScheduleMs: DEFAULT_RETRY_SCHEDULE_MS, deliveryTimeoutMs: 10_000, retryAfterMaxMs: 3_600_000, chatMessagesPerMinute: 60, webhookRoutesCacheMs: 10_000 });
  });

  it('takes the public URL for links: https in Azure, also http on the local host', () => {
    expect(loadConfig({ ...azureSettings, STAGELINE_PUBLIC_URL: 'https://hire.example.com/' }).notifications.publicUrl).toBe('https://hire.example.com');
    expect(() => loadConfig({ ...azureSettings, STAGELINE_PUBLIC_URL: 'http://hire.example.com' })).toThrow(/STAGELINE_PUBLIC_URL: an https:\/\/ URL outside the local environment/);
    expect(loadConfig({ ...local, STAGELINE_PUBLIC_URL: 'http://localhost:3000' }).notifications.publicUrl).toBe('http://localhost:3000');
  });

  it.each([
    ['NOTIFICATIONS_DELIVERY_TIMEOUT_MS', '50'],
    ['NOTIFICATIONS_DELIVERY_TIMEOUT_MS', '120000'],
    ['NOTIFICATIONS_RETRY_AFTER_MAX_SECONDS', '0'],
    ['NOTIFICATIONS_CHAT_MESSAGES_PER_MINUTE', '5'],
    ['NOTIFICATIONS_WEBHOOK_ROUTES_CACHE_SECONDS', '-1'],
    ['NOTIFICATIONS_WEBHOOK_ROUTES_CACHE_SECONDS', '301'],
    ['STAGELINE_PUBLIC_URL', 'not a url'],
  ])('refuses %s=%s', (key, value) => {
    expect(() => loadConfig({ ...azureSettings, [key]: value })).toThrow(new RegExp(`${key}:`));
  });
});
