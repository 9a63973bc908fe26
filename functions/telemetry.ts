/**
 * OpenTelemetry, set up before anything else of the app loads: `index.ts` imports this module
 * first, and ES modules are evaluated in import order, so the Azure Monitor providers exist before
 * any module builds services or records on an instrument.
 *
 * In Azure (`APPLICATIONINSIGHTS_CONNECTION_STRING` set): the Azure Monitor distro exports traces,
 * metrics and logs with Entra ID authentication (the user-assigned identity in `AZURE_CLIENT_ID`;
 * Application Insights has local authentication off), under the resource `service.name=stageline`
 * and `service.version` from package.json. The Azure Functions instrumentation continues the
 * host's trace in every invocation (`host.json` `telemetryMode: OpenTelemetry`), so a request,
 * its Cosmos DB calls, the Service Bus message it sends and the trigger that consumes it share one
 * trace, and the worker sends its own logs. The local host exports the same instruments on
 * `/metrics` instead and leaves this off.
 */
import * as azureFunctions from '@azure/functions';
import { AzureFunctionsInstrumentationESM } from '@azure/functions-opentelemetry-instrumentation';
import { useAzureMonitor, type AzureMonitorOpenTelemetryOptions } from '@azure/monitor-opentelemetry';
import { azureCredential } from '../shared/platform/azure-credential.ts';
import { loadTelemetryConfig, type Settings, type TelemetryConfig } from '../shared/platform/config.ts';
import { serviceResource } from '../shared/platform/service-identity.ts';

/** The distro's options: where to export, as whom, and the service's resource. */
export function azureMonitorOptions(config: TelemetryConfig & { readonly appInsightsConnectionString: string }): AzureMonitorOpenTelemetryOptions {
  return {
    azureMonitorExporterOptions: { connectionString: config.appInsightsConnectionString, credential: azureCredential(config.clientId) },
    resource: serviceResource(),
    instrumentationOptions: { azureSdk: { enabled: true }, http: { enabled: true } },
  };
}

let started = false;

/** Starts Azure Monitor and the Functions instrumentation once; false when no connection string is set (local host, tests). */
export function startTelemetry(settings: Settings): boolean {
  if (started) return true;
  const config = loadTelemetryConfig(settings);
  if (config.appInsightsConnectionString === undefined) return false;
  useAzureMonitor(azureMonitorOptions({ ...config, appInsightsConnectionString: config.appInsightsConnectionString }));
  // Patched by hand (ES modules are not hooked without a loader), once: its pre-invocation hook runs each
  // handler in the trace context the host hands the worker, and its log hook sends `context.log` lines.
  new AzureFunctionsInstrumentationESM({ enabled: false }).registerAzFunc(azureFunctions);
  started = true;
  return true;
}

startTelemetry(process.env);
