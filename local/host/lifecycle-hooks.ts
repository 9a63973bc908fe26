import type { FunctionRegistry } from './function-registry.ts';

/** Runs the app's `app.hook.appStart/appTerminate` callbacks as the worker does. */
export async function runHooks(registry: FunctionRegistry, name: 'appStart' | 'appTerminate'): Promise<void> {
  for (const callback of registry.hooks.get(name) ?? []) {
    await callback({ hookData: {}, appHookData: {}, ...(name === 'appStart' ? { functionAppDirectory: process.cwd() } : {}) });
  }
}
