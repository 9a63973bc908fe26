/**
 * The local host's implementation of `@azure/functions-core`, the module the real Functions
 * worker provides to `@azure/functions`. `register-core-hook.ts` resolves that name here, so
 * the app's own `app.http(...)`, `app.timer(...)`, ... calls land in the local registry.
 */
import { functionRegistry, type BindingInfo, type FunctionHandler, type HookCallback, type RetryOptions } from './function-registry.ts';

interface CoreFunctionMetadata {
  readonly name: string;
  readonly bindings: Record<string, BindingInfo>;
  readonly retryOptions?: RetryOptions;
}

export function setProgrammingModel(model: unknown): void {
  functionRegistry().programmingModel = model;
}

export function getProgrammingModel(): unknown {
  return functionRegistry().programmingModel;
}

export function registerFunction(metadata: CoreFunctionMetadata, handler: FunctionHandler): { dispose(): void } {
  const registry = functionRegistry();
  if (registry.functions.some((fn) => fn.name === metadata.name)) {
    throw new Error(`A function named "${metadata.name}" is already registered.`);
  }
  const trigger = Object.values(metadata.bindings).find((binding) => binding.direction === 'in' && binding.type.endsWith('Trigger'));
  if (!trigger) throw new Error(`Function "${metadata.name}" has no trigger binding.`);
  const registered = {
    name: metadata.name,
    trigger,
    bindings: metadata.bindings,
    ...(metadata.retryOptions ? { retryOptions: metadata.retryOptions } : {}),
    handler,
  };
  registry.functions.push(registered);
  return { dispose: () => void registry.functions.splice(registry.functions.indexOf(registered), 1) };
}

export function registerHook(hookName: string, callback: HookCallback): { dispose(): void } {
  const hooks = functionRegistry().hooks;
  let set = hooks.get(hookName);
  if (!set) hooks.set(hookName, (set = new Set()));
  set.add(callback);
  return { dispose: () => void set.delete(callback) };
}

export function log(level: string, category: string, message: string): void {
  if (level === 'error' || level === 'warning') console.error(`[functions:${category}] ${message}`);
}

export class Disposable {
  readonly #callOnDispose: () => void;
  constructor(callOnDispose: () => void) {
    this.#callOnDispose = callOnDispose;
  }
  dispose(): void {
    this.#callOnDispose();
  }
}
