import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { CosmosRequestMeter } from '../../shared/platform/cosmos/cosmos-request-meter.ts';
import { SERVICE_NAME, serviceResource, serviceVersion } from '../../shared/platform/service-identity.ts';
import { azureMonitorOptions } from '../../functions/telemetry.ts';
import { withLoopbackOnly } from '../support/loopback-only.ts';

const root = resolve(import.meta.dirname, '..', '..');
const packageVersion = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string }).version;

class CollectingReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

afterEach(() => metrics.disable());

describe('telemetry set-up', () => {
  it('names the service: service.name stageline and service.version from package.json (not unknown_service:node)', () => {
    expect(serviceVersion()).toBe(packageVersion);
    expect(serviceResource().attributes).toMatchObject({ 'service.name': SERVICE_NAME, 'service.version': packageVersion });
  });

  it('exports to Application Insights with Entra ID (a credential of the identity) under that resource', () => {
    const options = azureMonitorOptions({ appInsightsConnectionString: 'InstrumentationKey=00000000-0000-0000-0000-000000000000', clientId: 'client-1' });
    expect(options.azureMonitorExporterOptions?.connectionString).toBe('InstrumentationKey=00000000-0000-0000-0000-000000000000');
    expect(typeof options.azureMonitorExporterOptions?.credential?.getToken).toBe('function');
    expect(options.resource?.attributes).toMatchObject({ 'service.name': 'stageline', 'service.version': packageVersion });
    expect(options.instrumentationOptions?.azureSdk).toEqual({ enabled: true });
  });

  it('starts telemetry first: the entry point imports functions/telemetry.ts before anything else', () => {
    const imports = [...readFileSync(resolve(root, 'functions/index.ts'), 'utf8').matchAll(/^import .*'(.+)';$/gm)].map((match) => match[1]);
    expect(imports[0]).toBe('./telemetry.ts');
  });

  it('a Cosmos request meter built before the meter provider still exports to it (no no-op counter)', async () => {
    metrics.disable();
    const meter = new CosmosRequestMeter();
    meter.record('applications', 'read', undefined);
    const reader = new CollectingReader();
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    meter.record('applications', 'read', undefined);
    const { resourceMetrics } = await reader.collect();
    const counter = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((metric) => metric.descriptor.name === 'stageline.cosmos.requests');
    expect(counter?.dataPoints.map((point) => [point.attributes, point.value])).toEqual([[{ container: 'applications', operation: 'read' }, 1]]);
    expect(meter.snapshot()).toMatchObject({ 'applications:read': 2, total: 2 });
  });

  it('with APPLICATIONINSIGHTS_CONNECTION_STRING the entry point installs the Azure Monitor providers and the Functions instrumentation before the app loads', { timeout: 60_000 }, () => {
    const script = `
      const { installFunctionsCoreHook } = await import(${JSON.stringify(resolve(root, 'local/host/register-core-hook.ts'))});
      installFunctionsCoreHook();
      const { startTelemetry } = await import(${JSON.stringify(resolve(root, 'functions/telemetry.ts'))});
      const { metrics, trace } = await import('@opentelemetry/api');
      const result = {
        started: startTelemetry(process.env),
        meterProvider: metrics.getMeterProvider().constructor.name,
        tracer: trace.getTracer('probe').constructor.name,
      };
      process.stdout.write(JSON.stringify(result) + '\\n', () => process.exit(0));`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: withLoopbackOnly({
        PATH: process.env.PATH ?? '',
        APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:9/',
        AZURE_CLIENT_ID: '00000000-0000-0000-0000-000000000001',
      }) as NodeJS.ProcessEnv,
    });
    const result = JSON.parse(output.trim().split('\n').at(-1)!) as { started: boolean; meterProvider: string; tracer: string };
    expect(result).toEqual({ started: true, meterProvider: 'MeterProvider', tracer: expect.not.stringMatching(/^Noop/) });
  });
});
