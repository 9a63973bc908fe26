import type { IncomingMessage, ServerResponse } from 'node:http';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider, type IMetricReader } from '@opentelemetry/sdk-metrics';
import { serviceResource } from '../../shared/platform/service-identity.ts';

/**
 * The same OpenTelemetry instruments the app records in Azure, exported by the local host
 * as Prometheus text on `GET /metrics` (Azure Monitor takes them in Azure). The resource names
 * the service (`target_info{service_name="stageline",service_version=…}`).
 */
export interface LocalMetrics {
  handle(request: IncomingMessage, response: ServerResponse): boolean;
  /** This instance's metrics as Prometheus text (what `GET /metrics` answers with). */
  text(): Promise<string>;
  shutdown(): Promise<void>;
}

/** `readers`: more readers on the same provider (tests collect instruments in memory). */
export function createLocalMetrics(options: { readonly readers?: readonly IMetricReader[] } = {}): LocalMetrics {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ resource: serviceResource(), readers: [exporter, ...(options.readers ?? [])] });
  metrics.disable();
  metrics.setGlobalMeterProvider(provider);
  const serializer = new PrometheusSerializer();
  return {
    handle(request, response) {
      if (!isMetricsRequest(request)) return false;
      exporter.getMetricsRequestHandler(request, response);
      return true;
    },
    async text() {
      return serializer.serialize((await exporter.collect()).resourceMetrics);
    },
    async shutdown() {
      await provider.shutdown();
      metrics.disable();
    },
  };
}

export function isMetricsRequest(request: IncomingMessage): boolean {
  return request.method === 'GET' && new URL(request.url ?? '/', 'http://local').pathname === '/metrics';
}
