import { buildServices, type Services } from '../shared/composition-root.ts';
import { loadConfig } from '../shared/platform/config.ts';

let current: Services | undefined;

/**
 * The services every function uses. In Azure they are built from the app settings when the
 * app loads (a bad setting stops the load with one message listing every bad key); the local
 * host installs its own first, built by the same composition root.
 */
export function services(): Services {
  current ??= buildServices(loadConfig(process.env));
  return current;
}

export function installServices(services: Services): void {
  current = services;
}

export function uninstallServices(): void {
  current = undefined;
}
