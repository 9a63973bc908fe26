import { load, type AzureAppConfiguration } from '@azure/app-configuration-provider';
import type { TokenCredential } from '@azure/identity';
import { ConfigurationMapFeatureFlagProvider } from '@microsoft/feature-management';
import type { FeatureGate, FlagState } from './feature-gate.port.ts';
import { evaluateFlag } from './evaluate-flag.ts';

export interface AppConfigurationFeatureGateConfig {
  readonly endpoint: string;
  readonly credential: TokenCredential;
  readonly refreshIntervalMs: number;
  /** Only tests and the local host talk to a plain-http fake; production never sets this. */
  readonly allowInsecureConnection?: boolean;
}

/**
 * Feature flags from Azure App Configuration. Until the first load succeeds, and whenever the
 * latest refresh failed, every flag is `unavailable` (callers deny mutations).
 */
export class AppConfigurationFeatureGate implements FeatureGate {
  readonly source: string;
  readonly #config: AppConfigurationFeatureGateConfig;
  readonly #timer: NodeJS.Timeout;
  #appConfig: AzureAppConfiguration | undefined;
  #failure: string | undefined = 'not loaded yet';
  #closed = false;
  #busy: Promise<void> = Promise.resolve();

  constructor(config: AppConfigurationFeatureGateConfig) {
    this.#config = config;
    this.source = config.endpoint;
    this.#busy = this.#tick();
    this.#timer = setInterval(() => {
      this.#busy = this.#busy.then(() => this.#tick());
    }, config.refreshIntervalMs);
    this.#timer.unref();
  }

  async state(flag: string): Promise<FlagState> {
    const appConfig = this.#appConfig;
    if (!appConfig || this.#failure) return { status: 'unavailable', reason: this.#failure ?? 'not loaded yet' };
    return evaluateFlag(new ConfigurationMapFeatureFlagProvider(appConfig), flag);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#busy;
  }

  async #tick(): Promise<void> {
    if (this.#closed) return;
    try {
      if (!this.#appConfig) {
        this.#appConfig = await load(this.#config.endpoint, this.#config.credential, {
          featureFlagOptions: { enabled: true, refresh: { enabled: true, refreshIntervalInMs: Math.max(this.#config.refreshIntervalMs, 1000) } },
          startupOptions: { timeoutInMs: 10_000 },
          replicaDiscoveryEnabled: false,
          ...(this.#config.allowInsecureConnection ? { clientOptions: { allowInsecureConnection: true } } : {}),
        });
      } else {
        await this.#appConfig.refresh();
      }
      this.#failure = undefined;
    } catch (error) {
      this.#failure = `App Configuration unavailable: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
}
