import { readFile, stat } from 'node:fs/promises';
import { ConfigurationObjectFeatureFlagProvider } from '@microsoft/feature-management';
import type { FeatureGate, FlagState } from './feature-gate.port.ts';
import { evaluateFlag } from './evaluate-flag.ts';

export interface FileFeatureGateConfig {
  /** A JSON file in the `feature_management` schema App Configuration uses. */
  readonly path: string;
  readonly refreshIntervalMs: number;
}

type Snapshot = { readonly kind: 'loaded'; readonly configuration: Record<string, unknown> } | { readonly kind: 'failed'; readonly reason: string };

/** Feature flags from a local file, re-read when it changes (checked every refresh interval). */
export class FileFeatureGate implements FeatureGate {
  readonly source: string;
  readonly #path: string;
  readonly #timer: NodeJS.Timeout;
  #snapshot: Snapshot = { kind: 'failed', reason: 'not loaded yet' };
  #mtimeMs = -1;
  #loading: Promise<void>;

  constructor(config: FileFeatureGateConfig) {
    this.#path = config.path;
    this.source = `file:${config.path}`;
    this.#loading = this.#reload();
    this.#timer = setInterval(() => void (this.#loading = this.#reload()), config.refreshIntervalMs);
    this.#timer.unref();
  }

  async state(flag: string): Promise<FlagState> {
    await this.#loading;
    const snapshot = this.#snapshot;
    if (snapshot.kind === 'failed') return { status: 'unavailable', reason: snapshot.reason };
    return evaluateFlag(new ConfigurationObjectFeatureFlagProvider(snapshot.configuration), flag);
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#loading;
  }

  async #reload(): Promise<void> {
    try {
      const { mtimeMs } = await stat(this.#path);
      if (mtimeMs === this.#mtimeMs && this.#snapshot.kind === 'loaded') return;
      const parsed: unknown = JSON.parse(await readFile(this.#path, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('the file must hold a JSON object');
      this.#snapshot = { kind: 'loaded', configuration: parsed as Record<string, unknown> };
      this.#mtimeMs = mtimeMs;
    } catch (error) {
      this.#mtimeMs = -1;
      this.#snapshot = { kind: 'failed', reason: `cannot read ${this.#path}: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
}
