import type { InvocationContext } from '@azure/functions';

/**
 * What the local host knows about one function: exactly what `@azure/functions` hands the
 * worker through `@azure/functions-core`'s `registerFunction(metadata, handler)`.
 */
export interface BindingInfo {
  readonly type: string;
  readonly direction: 'in' | 'out';
  readonly name: string;
  readonly [property: string]: unknown;
}

export interface RetryOptions {
  readonly strategy?: 'fixedDelay' | 'exponentialBackoff';
  readonly retryStrategy?: 'fixedDelay' | 'exponentialBackoff';
  readonly maxRetryCount: number;
  readonly delayInterval?: unknown;
  readonly minimumInterval?: unknown;
  readonly maximumInterval?: unknown;
}

export type FunctionHandler = (input: unknown, context: InvocationContext) => unknown;

export interface RegisteredFunction {
  readonly name: string;
  /** The trigger binding (type ends in `Trigger`, e.g. `httpTrigger`, `serviceBusTrigger`). */
  readonly trigger: BindingInfo;
  readonly bindings: Readonly<Record<string, BindingInfo>>;
  readonly retryOptions?: RetryOptions;
  readonly handler: FunctionHandler;
}

export type HookName = 'appStart' | 'appTerminate' | 'preInvocation' | 'postInvocation' | 'log';
export type HookCallback = (context: unknown) => unknown;

export interface FunctionRegistry {
  readonly functions: RegisteredFunction[];
  readonly hooks: Map<string, Set<HookCallback>>;
  programmingModel: unknown;
}

const REGISTRY = Symbol.for('stageline.local-host.function-registry');

/**
 * One registry per process, reachable from both the module graph Node loads natively
 * (`@azure/functions` requires the core module) and any other loader (vitest).
 */
export function functionRegistry(): FunctionRegistry {
  const holder = globalThis as unknown as Record<symbol, FunctionRegistry | undefined>;
  holder[REGISTRY] ??= { functions: [], hooks: new Map(), programmingModel: undefined };
  return holder[REGISTRY];
}

export function functionsByTrigger(type: string): RegisteredFunction[] {
  return functionRegistry().functions.filter((fn) => fn.trigger.type === type);
}
