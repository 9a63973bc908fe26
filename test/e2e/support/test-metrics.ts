import { metrics } from '@opentelemetry/api';
import { DataPointType, MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { useResource } from '../../support/use-resource.ts';

class CollectingReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

export interface TestMetrics {
  /** Sum of a counter's points whose attributes include `attributes`. */
  counter(name: string, attributes?: Record<string, string>): Promise<number>;
  /** Every value recorded into a histogram: count and sum. */
  histogram(name: string): Promise<{ count: number; sum: number }>;
  gauge(name: string): Promise<number | undefined>;
  shutdown(): Promise<void>;
}

/** Installs a global meter provider for this test process and reads its instruments on demand. */
export function installTestMetrics(): TestMetrics {
  const reader = new CollectingReader();
  const provider = new MeterProvider({ readers: [reader] });
  metrics.disable();
  metrics.setGlobalMeterProvider(provider);
  const points = async (name: string): Promise<{ type: DataPointType; points: DataPoint<unknown>[] } | undefined> => {
    const { resourceMetrics } = await reader.collect();
    for (const scope of resourceMetrics.scopeMetrics) {
      const metric = scope.metrics.find((candidate) => candidate.descriptor.name === name);
      if (metric) return { type: metric.dataPointType, points: metric.dataPoints as DataPoint<unknown>[] };
    }
    return undefined;
  };
  return {
    async counter(name, attributes = {}) {
      const found = await points(name);
      return (found?.points ?? [])
        .filter((point) => Object.entries(attributes).every(([key, value]) => point.attributes[key] === value))
        .reduce((total, point) => total + (point.value as number), 0);
    },
    async histogram(name) {
      const found = await points(name);
      if (found && found.type !== DataPointType.HISTOGRAM) throw new Error(`${name} is not a histogram`);
      return (found?.points ?? []).reduce(
        (total, point) => ({ count: total.count + (point.value as Histogram).count, sum: total.sum + ((point.value as Histogram).sum ?? 0) }),
        { count: 0, sum: 0 },
      );
    },
    async gauge(name) {
      const found = await points(name);
      return found?.points.at(-1)?.value as number | undefined;
    },
    async shutdown() {
      await provider.shutdown();
      metrics.disable();
    },
  };
}

/** Test metrics for the enclosing `describe`: installed before its first test, shut down after its last. Returns them. */
export function useTestMetrics(): () => TestMetrics {
  return useResource('all', installTestMetrics, (installed) => installed.shutdown());
}
