import { Agent } from 'node:https';
import { load, type AzureAppConfiguration, type AzureAppConfigurationOptions } from '@azure/app-configuration-provider';
import type { TokenCredential } from '@azure/identity';
import { ConfigurationMapFeatureFlagProvider } from '@microsoft/feature-management';
import { systemTimers, type Timers } from '../../platform/timers.ts';
import type { FeatureGate, FlagState } from '../ports/feature-gate.port.ts';
import { evaluateFlag } from '../domain/evaluate-flag.ts';
import { describeError, RefreshObserver } from './app-configuration-refresh-observer.ts';

export interface AppConfigurationFeatureGateConfig {
  readonly endpoint: string;
  readonly credential: TokenCredential;
  /** How often the flags are re-checked (one conditional request per interval when healthy). */
  readonly refreshIntervalMs: number;
  /** Per-call timeout; defaults to the refresh interval, at least 2 s. */
  readonly requestTimeoutMs?: number;
  /** How long a start-up load may take before it fails with its reason; the gate then starts another. Defaults to 5 s. */
  readonly startupTimeoutMs?: number;
  /** PEM certificate to trust for this endpoint only: the loopback fake's, in tests. Never set in Azure. */
  readonly caCertificate?: string;
  /** The clock of the refresh cadence: the system timers unless a test drives its own. */
  readonly timers?: Timers;
}

/** Key-values are not read from App Configuration; this narrow selector keeps unrelated ones (Key Vault references) from failing the load. */
const KEY_VALUE_SELECTOR = 'Stageline:*';
/** The provider's minimum, which it keeps by `Date.now()`; the gate's own timer sets the real cadence. */
const PROVIDER_REFRESH_MS = 1000;
/** A failed start-up load reports its reason after this long; the gate then starts another. */
const STARTUP_TIMEOUT_MS = 5000;

/**
 * Feature flags from Azure App Configuration through `@azure/app-configuration-provider`.
 * Every flag is `unavailable` until the first load succeeds, while the last refresh round
 * failed (unreachable, error status, timeout), and after the server sent flags the provider
 * could not load (malformed JSON) until it sends loadable ones again: the provider itself
 * would keep serving the last good values in all these cases.
 */
export class AppConfigurationFeatureGate implements FeatureGate {
  readonly source: string;
  readonly #config: AppConfigurationFeatureGateConfig;
  readonly #requestTimeoutMs: number;
  readonly #timers: Timers;
  readonly #agent: Agent;
  #provider: AzureAppConfiguration | undefined;
  #observer: RefreshObserver | undefined;
  #reloaded = false;
  #transportFailure: string | undefined = 'App Configuration not loaded yet';
  #contentFailure: string | undefined;
  #roundStartedAt: number | undefined;
  #cancelNextRound: (() => void) | undefined;
  #round: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(config: AppConfigurationFeatureGateConfig) {
    this.#config = config;
    this.source = config.endpoint;
    this.#requestTimeoutMs = config.requestTimeoutMs ?? Math.max(config.refreshIntervalMs, 2000);
    this.#timers = config.timers ?? systemTimers;
    this.#agent = new Agent({ keepAlive: true, ...(config.caCertificate === undefined ? {} : { ca: config.caCertificate }) });
    void this.#run();
  }

  async state(flag: string): Promise<FlagState> {
    const provider = this.#provider;
    const failure = this.#failure();
    if (!provider || failure !== undefined) return { status: 'unavailable', reason: failure ?? 'App Configuration not loaded yet' };
    return evaluateFlag(new ConfigurationMapFeatureFlagProvider(provider), flag);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#cancelNextRound?.();
    // A refresh round is bounded by the request timeout; a start-up load is not awaited (its result is dropped).
    if (this.#provider) await this.#round;
    this.#agent.destroy();
  }

  #failure(): string | undefined {
    const stalledMs = this.#roundStartedAt === undefined ? 0 : this.#timers.now() - this.#roundStartedAt;
    if (stalledMs > this.#requestTimeoutMs * 2 + this.#config.refreshIntervalMs) return `App Configuration has not answered for ${Math.round(stalledMs / 1000)} s`;
    return this.#transportFailure ?? this.#contentFailure;
  }

  async #run(): Promise<void> {
    if (this.#closed) return;
    this.#round = this.#provider ? this.#refresh(this.#provider) : this.#load();
    await this.#round;
    if (this.#closed) return;
    this.#cancelNextRound = this.#timers.schedule(() => this.#run(), this.#config.refreshIntervalMs);
  }

  async #load(): Promise<void> {
    const observer = new RefreshObserver(this.#requestTimeoutMs);
    try {
      const provider = await load(this.#config.endpoint, this.#config.credential, this.#options(observer));
      if (this.#closed) return;
      provider.onRefresh(() => void (this.#reloaded = true));
      this.#observer = observer;
      this.#provider = provider;
      this.#transportFailure = undefined;
      this.#contentFailure = undefined;
    } catch (error) {
      // The provider retries until its start-up timeout and then reports only the timeout; the observer saw why.
      this.#transportFailure = `App Configuration not loaded: ${observer.outcome().failure ?? describeError(error)}`;
    }
  }

  async #refresh(provider: AzureAppConfiguration): Promise<void> {
    const observer = this.#observer!;
    observer.begin();
    this.#reloaded = false;
    this.#roundStartedAt = this.#timers.now();
    try {
      await provider.refresh();
    } catch (error) {
      this.#transportFailure = `App Configuration refresh failed: ${describeError(error)}`;
      return;
    } finally {
      this.#roundStartedAt = undefined;
    }
    const outcome = observer.outcome();
    if (outcome.failure !== undefined) {
      this.#transportFailure = `App Configuration unreachable: ${outcome.failure}`;
      return;
    }
    if (outcome.requests > 0) this.#transportFailure = undefined;
    if (this.#reloaded) this.#contentFailure = undefined;
    else if (outcome.changed) this.#contentFailure = 'App Configuration sent feature flags that could not be loaded (malformed flag value)';
  }

  #options(observer: RefreshObserver): AzureAppConfigurationOptions {
    return {
      selectors: [{ keyFilter: KEY_VALUE_SELECTOR }],
      featureFlagOptions: { enabled: true, refresh: { enabled: true, refreshIntervalInMs: PROVIDER_REFRESH_MS } },
      startupOptions: { timeoutInMs: this.#config.startupTimeoutMs ?? STARTUP_TIMEOUT_MS },
      replicaDiscoveryEnabled: false,
      clientOptions: {
        agent: this.#agent,
        retryOptions: { maxRetries: 1, retryDelayInMs: 500, maxRetryDelayInMs: this.#config.refreshIntervalMs },
        additionalPolicies: [observer.policy],
      },
    };
  }
}
