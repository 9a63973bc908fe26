import type { IncomingMessage, ServerResponse } from 'node:http';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

/**
 * The same OpenTelemetry instruments the app records in Azure, exported by the local host
 * as Prometheus text on `GET /metrics` (Azure Monitor takes them in Azure).
 */
export interface LocalMetrics {
  handle(request: IncomingMessage, response: ServerResponse): boolean;
  shutdown(): Promise<void>;
}

export function createLocalMetrics(): LocalMetrics {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  metrics.disable();
  metrics.setGlobalMeterProvider(provider);
  return {
    handle(request, response) {
      if (request.method !== 'GET' || new URL(request.url ?? '/', 'http://local').pathname !== '/metrics') return false;
      exporter.getMetricsRequestHandler(request, response);
      return true;
    },
    async shutdown() {
      await provider.shutdown();
      metrics.disable();
    },
  };
}
