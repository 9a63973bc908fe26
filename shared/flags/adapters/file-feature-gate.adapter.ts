import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigurationObjectFeatureFlagProvider } from '@microsoft/feature-management';
import { systemTimers, type Timers } from '../../platform/timers.ts';
import type { FeatureGate, FlagState } from '../ports/feature-gate.port.ts';
import { evaluateFlag } from '../domain/evaluate-flag.ts';

export interface FileFeatureGateConfig {
  /** A JSON file in the `feature_management` schema App Configuration uses. */
  readonly path: string;
  readonly refreshIntervalMs: number;
  /** The clock of the re-reads: the system timers unless a test drives its own. */
  readonly timers?: Timers;
}

type Snapshot = { readonly kind: 'loaded'; readonly configuration: Record<string, unknown> } | { readonly kind: 'failed'; readonly reason: string };

/** A writer caught mid-save leaves a torn file: read again once after this pause before calling it malformed. */
const TORN_WRITE_PAUSE_MS = 50;

/**
 * Feature flags from a local file (the local host's stand-in for App Configuration), re-read
 * every refresh interval so edits apply without a restart. A missing file, malformed JSON or
 * a file without a `feature_management.feature_flags` list makes every flag unavailable.
 */
export class FileFeatureGate implements FeatureGate {
  readonly source: string;
  readonly #path: string;
  readonly #refreshIntervalMs: number;
  readonly #timers: Timers;
  #cancelNextReload: () => void = () => undefined;
  #closed = false;
  #snapshot: Snapshot = { kind: 'failed', reason: 'not loaded yet' };
  #text: string | undefined;
  #loading: Promise<void>;

  constructor(config: FileFeatureGateConfig) {
    this.#path = config.path;
    this.source = `file:${config.path}`;
    this.#refreshIntervalMs = config.refreshIntervalMs;
    this.#timers = config.timers ?? systemTimers;
    this.#loading = this.#reload();
    this.#scheduleReload();
  }

  async state(flag: string): Promise<FlagState> {
    await this.#loading;
    const snapshot = this.#snapshot;
    if (snapshot.kind === 'failed') return { status: 'unavailable', reason: snapshot.reason };
    return evaluateFlag(new ConfigurationObjectFeatureFlagProvider(snapshot.configuration), flag);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#cancelNextReload();
    await this.#loading;
  }

  /** One re-read every interval, whatever each takes; they are chained, so a slow read never overwrites a newer one. */
  #scheduleReload(): void {
    this.#cancelNextReload = this.#timers.schedule(() => {
      if (this.#closed) return undefined;
      this.#scheduleReload();
      this.#loading = this.#loading.then(() => this.#reload());
      return this.#loading;
    }, this.#refreshIntervalMs);
  }

  async #reload(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      this.#text = undefined;
      this.#snapshot = { kind: 'failed', reason: `cannot read ${this.#path}: ${error instanceof Error ? error.message : String(error)}` };
      return;
    }
    if (text === this.#text) return;
    let parsed = parse(text);
    if (typeof parsed === 'string') {
      await sleep(TORN_WRITE_PAUSE_MS);
      text = await readFile(this.#path, 'utf8').catch(() => text);
      parsed = parse(text);
    }
    this.#text = text;
    this.#snapshot = typeof parsed === 'string' ? { kind: 'failed', reason: `${this.#path}: ${parsed}` } : { kind: 'loaded', configuration: parsed };
  }
}

/** The file's object, or why it is not a `feature_management` document. */
function parse(text: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `malformed JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  const management = isObject(value) ? value.feature_management : undefined;
  if (!isObject(value) || !isObject(management) || !Array.isArray(management.feature_flags)) {
    return 'expected an object with a feature_management.feature_flags list';
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
