import { createHash } from 'node:crypto';

export interface FakeChannel {
  readonly id: string;
  readonly resourceId: string;
  readonly resourceUri: string;
  readonly calendarId: string;
  readonly account: string;
  readonly address: string;
  readonly token?: string;
  /** Milliseconds since the epoch. */
  readonly expiration: number;
  messageNumber: number;
}

/** One push attempt, as the control API lists it. */
export interface PushDelivery {
  readonly channelId: string;
  readonly state: 'sync' | 'exists' | 'not_exists';
  readonly messageNumber: number;
  readonly status: number | 'failed';
  readonly at: string;
}

/** Channels live at most this long (Google caps the events channel TTL; the fake uses 30 days). */
const MAX_TTL_MS = 30 * 86_400_000;
const DEFAULT_TTL_MS = 7 * 86_400_000;

/**
 * `events.watch` channels and the push notifications the fake sends to their addresses: an empty
 * POST with `X-Goog-Channel-ID`, `X-Goog-Channel-Token`, `X-Goog-Channel-Expiration`,
 * `X-Goog-Resource-ID`, `X-Goog-Resource-URI`, `X-Goog-Resource-State` (`sync` once when the
 * channel opens, `exists` on every change) and `X-Goog-Message-Number`. One attempt per
 * notification (Google retries failed ones with backoff; the fake does not).
 */
export class FakeChannels {
  readonly #channels = new Map<string, FakeChannel>();
  readonly deliveries: PushDelivery[] = [];
  readonly #pending = new Set<Promise<void>>();

  /** `expiration` (ms) as the watch request asked, else `ttlSeconds` (the `ttl` param), else a week; at most 30 days ahead. */
  open(request: { id: string; calendarId: string; account: string; address: string; token?: string; expiration?: number; ttlSeconds?: number; rootUrl: string }): FakeChannel | 'id_taken' {
    if (this.#channels.has(request.id)) return 'id_taken';
    // One reading of the clock: an asked expiration comes back to the millisecond unless capped.
    const now = Date.now();
    const asked = request.expiration !== undefined ? request.expiration - now : request.ttlSeconds === undefined ? DEFAULT_TTL_MS : request.ttlSeconds * 1000;
    const ttl = Math.min(MAX_TTL_MS, asked);
    const channel: FakeChannel = {
      id: request.id,
      resourceId: createHash('sha256').update(`events:${request.calendarId}`).digest('base64url').slice(0, 27),
      resourceUri: `${request.rootUrl}calendar/v3/calendars/${encodeURIComponent(request.calendarId)}/events?alt=json`,
      calendarId: request.calendarId,
      account: request.account,
      address: request.address,
      ...(request.token === undefined ? {} : { token: request.token }),
      expiration: now + ttl,
      messageNumber: 0,
    };
    this.#channels.set(channel.id, channel);
    this.#push(channel, 'sync');
    return channel;
  }

  stop(id: string, resourceId: string | undefined, account: string): boolean {
    const channel = this.#channels.get(id);
    if (channel === undefined || channel.account !== account || (resourceId !== undefined && resourceId !== channel.resourceId)) return false;
    return this.#channels.delete(id);
  }

  list(): FakeChannel[] {
    return [...this.#channels.values()];
  }

  /** Tells every live channel on the calendar that its events changed. */
  changed(calendarId: string): void {
    for (const channel of this.#channels.values()) {
      if (channel.calendarId === calendarId && channel.expiration > Date.now()) this.#push(channel, 'exists');
    }
  }

  #push(channel: FakeChannel, state: 'sync' | 'exists'): void {
    channel.messageNumber += 1;
    const messageNumber = channel.messageNumber;
    const headers: Record<string, string> = {
      'X-Goog-Channel-ID': channel.id,
      'X-Goog-Channel-Expiration': new Date(channel.expiration).toUTCString(),
      'X-Goog-Resource-ID': channel.resourceId,
      'X-Goog-Resource-URI': channel.resourceUri,
      'X-Goog-Resource-State': state,
      'X-Goog-Message-Number': String(messageNumber),
      ...(channel.token === undefined ? {} : { 'X-Goog-Channel-Token': channel.token }),
    };
    const delivery = fetch(channel.address, { method: 'POST', headers, signal: AbortSignal.timeout(10_000) })
      .then(async (response) => {
        await response.body?.cancel();
        this.deliveries.push({ channelId: channel.id, state, messageNumber, status: response.status, at: new Date().toISOString() });
      })
      .catch(() => {
        this.deliveries.push({ channelId: channel.id, state, messageNumber, status: 'failed', at: new Date().toISOString() });
      });
    this.#pending.add(delivery);
    void delivery.finally(() => this.#pending.delete(delivery));
  }

  /** Resolves once every push sent so far has been answered (or failed). */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  snapshot(): unknown {
    return [...this.#channels.values()];
  }

  restore(snapshot: unknown): void {
    for (const channel of (snapshot as FakeChannel[] | undefined) ?? []) this.#channels.set(channel.id, channel);
  }
}
