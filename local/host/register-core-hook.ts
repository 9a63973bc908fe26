import { registerHooks } from 'node:module';

/**
 * Resolves `@azure/functions-core` (normally provided by the Functions worker) to the local
 * host's implementation. Must run before `@azure/functions` is first loaded.
 */
const coreUrl = new URL('./functions-core.ts', import.meta.url).href;
let installed = false;

export function installFunctionsCoreHook(): void {
  if (installed) return;
  installed = true;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier === '@azure/functions-core') return { url: coreUrl, format: 'module-typescript', shortCircuit: true };
      return nextResolve(specifier, context);
    },
  });
}
