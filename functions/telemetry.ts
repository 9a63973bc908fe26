import { useAzureMonitor } from '@azure/monitor-opentelemetry';
import type { AppConfig } from '../shared/platform/config.ts';

let started = false;

/** In Azure, instruments export to Azure Monitor; the local host exports them on /metrics instead. */
export function setupTelemetry(config: AppConfig): void {
  if (started || !config.telemetry.appInsightsConnectionString) return;
  started = true;
  useAzureMonitor({ azureMonitorExporterOptions: { connectionString: config.telemetry.appInsightsConnectionString } });
}
