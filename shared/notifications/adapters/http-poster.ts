import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { UrlMode } from '../domain/webhook-url.ts';
import { parseRetryAfter } from '../domain/retry-policy.ts';
import type { AttemptReport } from '../ports/webhook-sender.port.ts';
import { BlockedAddressError, classifyAddress, addressAllowed, guardedLookup } from './address-guard.ts';

export interface HttpPosterConfig {
  readonly timeoutMs: number;
  readonly mode: UrlMode;
  readonly userAgent: string;
}

/**
 * One POST per call over keep-alive connections: no redirects followed (a 3xx is an answer),
 * a time limit on the whole exchange up to the response headers, connections only to addresses
 * the mode allows (checked at connect time). The report never carries the URL: errors are
 * described by their code.
 */
export class HttpPoster {
  readonly #config: HttpPosterConfig;
  readonly #http = new HttpAgent({ keepAlive: true, maxSockets: 64 });
  readonly #https = new HttpsAgent({ keepAlive: true, maxSockets: 64 });
  readonly #lookup: ReturnType<typeof guardedLookup>;

  constructor(config: HttpPosterConfig) {
    this.#config = config;
    this.#lookup = guardedLookup(config.mode);
  }

  async post(url: string, body: string, headers: Readonly<Record<string, string>>): Promise<AttemptReport> {
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
    const target = new URL(url);
    const literal = target.hostname.replace(/^\[|\]$/g, '');
    if (isIP(literal) !== 0 && !addressAllowed(literal, this.#config.mode)) {
      const reason = new BlockedAddressError(classifyAddress(literal)).message;
      return { result: { kind: 'blocked', reason }, durationMs: elapsed(), error: reason };
    }
    const secure = target.protocol === 'https:';
    const send = secure ? httpsRequest : httpRequest;
    return new Promise<AttemptReport>((resolve) => {
      let done = false;
      const finish = (report: Omit<AttemptReport, 'durationMs'>) => {
        if (done) return;
        done = true;
        resolve({ ...report, durationMs: elapsed() });
      };
      const request = send(
        target,
        {
          method: 'POST',
          agent: secure ? this.#https : this.#http,
          lookup: this.#lookup as never,
          signal: AbortSignal.timeout(this.#config.timeoutMs),
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': this.#config.userAgent, ...headers },
        },
        (response: IncomingMessage) => {
          const status = response.statusCode ?? 0;
          const retryAfterMs = parseRetryAfter(headerValue(response.headers['retry-after']), Date.now());
          response.on('error', () => undefined);
          response.resume();
          finish({
            result: { kind: 'response', status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
            ...(status >= 200 && status < 300 ? {} : { error: `HTTP ${status}` }),
          });
        },
      );
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (error instanceof BlockedAddressError || error.code === 'EBLOCKED') {
          finish({ result: { kind: 'blocked', reason: error.message }, error: error.message });
        } else if (error.name === 'AbortError' || error.name === 'TimeoutError' || error.code === 'ABORT_ERR') {
          finish({ result: { kind: 'timeout' }, error: `no answer within ${this.#config.timeoutMs} ms` });
        } else {
          const code = error.code ?? error.name;
          finish({ result: { kind: 'network', code }, error: `connection failed (${code})` });
        }
      });
      request.end(body);
    });
  }

  close(): void {
    this.#http.destroy();
    this.#https.destroy();
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
