import type { UrlMode } from '../domain/webhook-url.ts';
import type { UrlGuard } from '../ports/webhook-sender.port.ts';
import { checkHost } from './address-guard.ts';

/** Resolves a webhook URL's host and refuses it when any address is one the mode does not allow (SSRF). */
export class DnsUrlGuard implements UrlGuard {
  readonly #mode: UrlMode;

  constructor(mode: UrlMode) {
    this.#mode = mode;
  }

  check(url: string): Promise<{ readonly ok: true } | { readonly ok: false; readonly reason: string }> {
    return checkHost(new URL(url).hostname, this.#mode);
  }
}
