import type { WebhookKind } from './webhook.ts';

/**
 * Which URLs an endpoint may have. `azure`: https only, never `localhost`. `local` (the local
 * host): https, or http to a loopback host (receivers on this machine). Where a name resolves is
 * checked separately (`UrlGuard`): in Azure, private, loopback and link-local addresses are refused.
 */
export type UrlMode = 'local' | 'azure';

export type UrlCheck =
  | { readonly ok: true; readonly url: string; readonly hint: string; readonly chatSpace?: string }
  | { readonly ok: false; readonly reason: string };

export const GOOGLE_CHAT_HOST = 'chat.googleapis.com';

const CHAT_PATH = /^\/v1\/spaces\/([A-Za-z0-9_-]{1,128})\/messages$/;

/** `localhost`, `*.localhost`, 127.0.0.0/8 and `[::1]` as written in a URL. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '[::1]') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function checkWebhookUrl(raw: string, kind: WebhookKind, mode: UrlMode): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not an absolute URL' };
  }
  if (raw.length > 2048) return { ok: false, reason: 'longer than 2048 characters' };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'credentials in the URL are not allowed' };
  if (url.hash !== '') return { ok: false, reason: 'a fragment (#…) is not allowed' };
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol === 'http:') {
    if (mode !== 'local') return { ok: false, reason: 'https is required' };
    if (!loopback) return { ok: false, reason: 'http is allowed only to a loopback host (local mode)' };
  } else if (url.protocol !== 'https:') {
    return { ok: false, reason: 'https is required' };
  }
  if (mode === 'azure' && loopback) return { ok: false, reason: 'loopback hosts are not allowed' };
  if (kind === 'google_chat') {
    const match = CHAT_PATH.exec(url.pathname);
    if (!match) return { ok: false, reason: 'a Google Chat incoming webhook URL looks like https://chat.googleapis.com/v1/spaces/<space>/messages?key=…&token=…' };
    if (mode === 'azure' && url.hostname.toLowerCase() !== GOOGLE_CHAT_HOST) return { ok: false, reason: `Google Chat webhooks must point at ${GOOGLE_CHAT_HOST}` };
    return { ok: true, url: url.toString(), hint: url.host, chatSpace: match[1]! };
  }
  return { ok: true, url: url.toString(), hint: url.host };
}
