import type { AzureAppConfigurationOptions } from '@azure/app-configuration-provider';

type ClientOptions = NonNullable<AzureAppConfigurationOptions['clientOptions']>;
type AdditionalPolicy = NonNullable<ClientOptions['additionalPolicies']>[number];

/** What the provider's HTTP calls during one `refresh()` showed. */
export interface RoundOutcome {
  readonly requests: number;
  /** The first failure: a transport error or an error status, after the client's retries. */
  readonly failure?: string;
  /** Some call answered 200: the server holds flags that differ from the loaded ones. */
  readonly changed: boolean;
}

/**
 * `refresh()` of `@azure/app-configuration-provider` 2.6 never throws: it logs a failed
 * refresh with `console.warn` and keeps the last values. This pipeline policy, installed on the
 * provider's own client, sees each call's final outcome so the gate can tell a quiet round
 * (304: nothing changed) from a failed one. It also gives every call a timeout, so a server
 * that accepts connections but never answers fails the round instead of stalling it.
 */
export class RefreshObserver {
  #requests = 0;
  #failure: string | undefined;
  #changed = false;
  readonly #timeoutMs: number;

  constructor(requestTimeoutMs: number) {
    this.#timeoutMs = requestTimeoutMs;
  }

  readonly policy: AdditionalPolicy = {
    position: 'perCall',
    policy: {
      name: 'stagelineRefreshObserver',
      sendRequest: async (request, next) => {
        if (!request.timeout) request.timeout = this.#timeoutMs;
        this.#requests += 1;
        try {
          const response = await next(request);
          if (response.status >= 400) this.#failure ??= `HTTP ${response.status} from ${new URL(request.url).pathname}`;
          else if (response.status === 200) this.#changed = true;
          return response;
        } catch (error) {
          this.#failure ??= describeError(error);
          throw error;
        }
      },
    },
  };

  /** Starts counting a new round; the previous round's outcome is discarded. */
  begin(): void {
    this.#requests = 0;
    this.#failure = undefined;
    this.#changed = false;
  }

  outcome(): RoundOutcome {
    return { requests: this.#requests, changed: this.#changed, ...(this.#failure === undefined ? {} : { failure: this.#failure }) };
  }
}

/** An error and its causes, one line: the provider wraps the useful part in `cause`. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 4; depth += 1) {
    if (current instanceof Error) {
      const code = (current as { code?: unknown }).code;
      parts.push(typeof code === 'string' && !current.message.includes(code) ? `${current.message} (${code})` : current.message);
      current = current.cause;
    } else {
      parts.push(String(current));
      current = undefined;
    }
  }
  return parts.join(': ');
}
