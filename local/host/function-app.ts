import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import { loadConfig } from '../../shared/platform/config.ts';
import { buildServices, type AdapterOverrides, type Services } from '../../shared/composition-root.ts';
import { installServices, uninstallServices } from '../../functions/app-services.ts';
import { installFunctionsCoreHook } from './register-core-hook.ts';
import { functionRegistry, type FunctionRegistry } from './function-registry.ts';
import { createLocalMetrics, type LocalMetrics } from './local-metrics.ts';
import { runHooks } from './lifecycle-hooks.ts';

/**
 * The app as one instance of the Functions host loads it: its metrics provider, its services
 * (built from the settings by the composition root, with the host's own bus), and every
 * function registration of `functions/index.ts` with the `appStart` hooks run. Each instance
 * of the local host (one thread each) loads its own, as each Azure instance does.
 */
export interface FunctionApp {
  readonly services: Services;
  readonly registry: FunctionRegistry;
  readonly metrics: LocalMetrics;
  /** `appTerminate` hooks, then the services, then the metrics provider. */
  close(): Promise<void>;
}

export interface FunctionAppOptions {
  readonly settings: Readonly<Record<string, string>>;
  readonly adapters: Required<Pick<AdapterOverrides, 'bus' | 'deliveryBacklog' | 'log'>>;
  readonly metricReaders?: readonly IMetricReader[];
}

export async function loadFunctionApp(options: FunctionAppOptions): Promise<FunctionApp> {
  const metrics = createLocalMetrics(options.metricReaders ? { readers: options.metricReaders } : {});
  let services: Services | undefined;
  const closeServices = async () => {
    uninstallServices();
    await services?.close();
    await metrics.shutdown();
  };
  try {
    services = buildServices(loadConfig(options.settings), options.adapters);
    installServices(services);
    installFunctionsCoreHook();
    await import('../../functions/index.ts');
    const registry = functionRegistry();
    await runHooks(registry, 'appStart');
    const loaded = services;
    return {
      services: loaded,
      registry,
      metrics,
      async close() {
        try {
          await runHooks(registry, 'appTerminate');
        } finally {
          await closeServices();
        }
      },
    };
  } catch (error) {
    await closeServices().catch(() => undefined);
    throw error;
  }
}
