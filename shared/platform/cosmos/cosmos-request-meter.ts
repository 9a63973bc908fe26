import type { CosmosDiagnostics } from '@azure/cosmos';
import type { Counter, Meter } from '@opentelemetry/api';
import { meter } from '../telemetry.ts';

/**
 * Counts per `container:operation` (e.g. `applications:read`) plus their `total`; requests made
 * for another module through a scoped adapter are keyed `scope/container:operation` and left
 * out of `total`.
 */
export type CosmosRequestCounts = Readonly<Record<string, number>>;

/**
 * Counts the HTTP requests the Cosmos DB SDK sends on behalf of the adapters: each gateway
 * request of an operation (retries included) plus the metadata look-ups it needed (container
 * and partition key ranges), taken from the operation's diagnostics. Exported as the
 * `stageline.cosmos.requests` counter and kept in memory for tests and the benchmark.
 *
 * The meter is built with the services, which may be before the host installs its meter
 * provider: the counter is therefore created on first use and again whenever the provider
 * changes, never once at construction (it would stay on OpenTelemetry's no-op meter).
 */
export class CosmosRequestMeter {
  readonly #counts = new Map<string, number>();
  #instrument: { readonly meter: Meter; readonly counter: Counter } | undefined;

  get #counter(): Counter {
    const current = meter();
    if (this.#instrument?.meter !== current) {
      this.#instrument = { meter: current, counter: current.createCounter('stageline.cosmos.requests', { description: 'HTTP requests sent to Cosmos DB, by container and operation' }) };
    }
    return this.#instrument.counter;
  }

  /** Records one SDK operation; `diagnostics` comes from its response or its error. */
  record(container: string, operation: string, diagnostics: CosmosDiagnostics | undefined, scope?: string): void {
    const requests = requestsOf(diagnostics);
    const key = `${scope === undefined ? '' : `${scope}/`}${container}:${operation}`;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + requests);
    this.#counter.add(requests, { container, operation, ...(scope === undefined ? {} : { scope }) });
  }

  snapshot(): CosmosRequestCounts {
    const counts = Object.fromEntries(this.#counts);
    const total = [...this.#counts].filter(([key]) => !key.includes('/')).reduce((sum, [, value]) => sum + value, 0);
    return { ...counts, total };
  }

  reset(): void {
    this.#counts.clear();
  }
}

/** Gateway requests plus metadata look-ups of one operation; 1 when the SDK gave no diagnostics. */
export function requestsOf(diagnostics: CosmosDiagnostics | undefined): number {
  const statistics = diagnostics?.clientSideRequestStatistics;
  if (statistics === undefined) return 1;
  const gateway = statistics.gatewayStatistics.length;
  const metadata = statistics.metadataDiagnostics.metadataLookups.length;
  return Math.max(1, gateway + metadata);
}
