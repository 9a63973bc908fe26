import { afterEach, describe, expect, it } from 'vitest';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { checkHost, classifyAddress } from '../../../shared/notifications/adapters/address-guard.ts';
import { DnsUrlGuard } from '../../../shared/notifications/adapters/dns-url-guard.adapter.ts';
import { HttpPoster } from '../../../shared/notifications/adapters/http-poster.ts';
import { WebhookHttpSender } from '../../../shared/notifications/adapters/webhook-http-sender.adapter.ts';
import type { Webhook } from '../../../shared/notifications/domain/webhook.ts';
import { startReceiver, type Answer, type WebhookReceiver } from '../../support/webhook-receiver.ts';

let receiver: WebhookReceiver | undefined;
const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await receiver?.close();
  receiver = undefined;
});

function poster(mode: 'local' | 'azure', timeoutMs = 2000): HttpPoster {
  const made = new HttpPoster({ timeoutMs, mode, userAgent: 'test' });
  closers.push(() => made.close());
  return made;
}

describe('address classes (SSRF guard)', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.9.9.9', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fd00::1', 'private'],
    ['::ffff:10.0.0.1', 'private'],
    ['169.254.169.254', 'link_local'],
    ['fe80::1', 'link_local'],
    ['0.0.0.0', 'reserved'],
    ['::', 'reserved'],
    ['224.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['172.32.0.1', 'public'],
  ])('%s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it('refuses names resolving to loopback in Azure, allows them locally; refuses private and metadata addresses in both', async () => {
    expect(await checkHost('localhost', 'azure')).toEqual({ ok: false, reason: 'the host resolves to a loopback address' });
    expect(await checkHost('localhost', 'local')).toEqual({ ok: true });
    expect(await new DnsUrlGuard('azure').check('https://localhost:8443/hook')).toMatchObject({ ok: false });
    for (const mode of ['local', 'azure'] as const) {
      expect(await checkHost('10.0.0.5', mode)).toEqual({ ok: false, reason: 'the address is private' });
      expect(await checkHost('169.254.169.254', mode)).toEqual({ ok: false, reason: 'the address is link-local' });
      expect(await checkHost('[::ffff:192.168.0.1]', mode)).toEqual({ ok: false, reason: 'the address is private' });
      expect(await checkHost('8.8.8.8', mode)).toEqual({ ok: true });
    }
    expect((await checkHost('no-such-host.invalid', 'azure')).ok).toBe(false);
  });
});

describe('one POST', () => {
  it('in Azure mode never connects to loopback, by literal or by name (checked at connect time)', async () => {
    receiver = await startReceiver();
    const azure = poster('azure');
    const literal = await azure.post(`http://127.0.0.1:${receiver.port}/hook`, '{}', {});
    const named = await azure.post(`http://localhost:${receiver.port}/hook`, '{}', {});
    expect(literal.result).toEqual({ kind: 'blocked', reason: expect.stringContaining('loopback') });
    expect(named.result).toEqual({ kind: 'blocked', reason: expect.stringContaining('loopback') });
    expect(receiver.requests).toHaveLength(0);
    expect((await poster('local').post(`http://localhost:${receiver.port}/hook`, '{}', {})).result).toEqual({ kind: 'response', status: 200 });
    expect(receiver.requests).toHaveLength(1);
  });

  it('reports statuses and Retry-After, follows no redirect, gives up at the timeout, and sees a closed port', async () => {
    const answers: Answer[] = [
      { status: 204 },
      { status: 301, headers: { location: '/elsewhere' } },
      { status: 429, headers: { 'retry-after': '7' } },
      { status: 410 },
      'hang',
    ];
    receiver = await startReceiver((_request, index) => answers[index] ?? { status: 500 });
    const local = poster('local', 300);
    const url = receiver.url();
    expect((await local.post(url, '{}', {})).result).toEqual({ kind: 'response', status: 204 });
    expect((await local.post(url, '{}', {})).result).toEqual({ kind: 'response', status: 301 });
    expect((await local.post(url, '{}', {})).result).toEqual({ kind: 'response', status: 429, retryAfterMs: 7000 });
    expect((await local.post(url, '{}', {})).result).toEqual({ kind: 'response', status: 410 });
    const hung = await local.post(url, '{}', {});
    expect(hung.result).toEqual({ kind: 'timeout' });
    expect(hung.durationMs).toBeGreaterThanOrEqual(290);
    expect(hung.durationMs).toBeLessThan(2000);
    expect(receiver.requests.map((request) => request.path)).toEqual(['/hook', '/hook', '/hook', '/hook', '/hook']);
    await receiver.down();
    const down = await local.post(url, '{}', {});
    expect(down.result).toEqual({ kind: 'network', code: 'ECONNREFUSED' });
    expect(down.error).toBe('connection failed (ECONNREFUSED)');
    expect(JSON.stringify(down)).not.toContain(String(receiver.port));
  });
});

describe('webhook sender', () => {
  const now = new Date();
  const webhook = (overrides: Partial<Webhook>): Webhook => ({
    id: 'wh_1', tenantId: 'acme', kind: 'generic', url: receiver!.url('/in?token=t0ken'), urlHint: `127.0.0.1:${receiver!.port}`,
    secrets: [], enabled: true, createdAt: now.toISOString(), createdBy: 'adm', updatedAt: now.toISOString(), ...overrides,
  });
  const content = { title: 'Offer sent', body: 'An offer was sent.', link: 'https://app.example.com/applications/app-1', payload: { type: 'STAGE_EVENT', eventId: 'app-1:3' }, threadKey: 'stageline-application-app-1' };

  it('signs per Standard Webhooks with every valid secret; the reference library verifies each', async () => {
    receiver = await startReceiver();
    const sender = new WebhookHttpSender({ timeoutMs: 2000, mode: 'local', userAgent: 'test' });
    closers.push(() => sender.close());
    const fresh = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    const old = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;
    const expired = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
    const report = await sender.deliver(
      webhook({
        secrets: [
          { secret: fresh, createdAt: now.toISOString() },
          { secret: old, createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + 60_000).toISOString() },
          { secret: expired, createdAt: now.toISOString(), expiresAt: new Date(now.getTime() - 1).toISOString() },
        ],
      }),
      { deliveryId: 'msg_abc', content },
      now,
    );
    expect(report.result).toEqual({ kind: 'response', status: 200 });
    const [request] = receiver.requests;
    expect(request!.path).toBe('/in?token=t0ken');
    expect(request!.headers['webhook-id']).toBe('msg_abc');
    expect(request!.headers['webhook-timestamp']).toBe(String(Math.floor(now.getTime() / 1000)));
    expect(String(request!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    const headers = request!.headers as Record<string, string>;
    expect(new StandardWebhook(fresh).verify(request!.body, headers)).toEqual(content.payload);
    expect(new StandardWebhook(old).verify(request!.body, headers)).toEqual(content.payload);
    expect(() => new StandardWebhook(expired).verify(request!.body, headers)).toThrow(/No matching signature/);
  });

  it('posts Google Chat messages with the text, the link and one thread per application', async () => {
    receiver = await startReceiver();
    const sender = new WebhookHttpSender({ timeoutMs: 2000, mode: 'local', userAgent: 'test' });
    closers.push(() => sender.close());
    await sender.deliver(webhook({ kind: 'google_chat', url: receiver.url('/v1/spaces/AAAA/messages?key=k&token=t') }), { deliveryId: 'msg_abc', content }, now);
    const [request] = receiver.requests;
    const url = new URL(request!.path, 'http://x');
    expect(url.pathname).toBe('/v1/spaces/AAAA/messages');
    expect(Object.fromEntries(url.searchParams)).toEqual({ key: 'k', token: 't', threadKey: 'stageline-application-app-1', messageReplyOption: 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD' });
    expect(JSON.parse(request!.body)).toEqual({
      text: '*Offer sent*\nAn offer was sent.\n<https://app.example.com/applications/app-1|Open in Stageline>',
      thread: { threadKey: 'stageline-application-app-1' },
    });
    expect(request!.headers['webhook-signature']).toBeUndefined();
  });
});
