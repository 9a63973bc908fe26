/**
 * Host logging and the `InvocationContext` the local host hands to HTTP and timer functions.
 */
import { randomUUID } from 'node:crypto';
import { format } from 'node:util';
import { InvocationContext, type FunctionOutput, type LogLevel } from '@azure/functions';
import type { RegisteredFunction } from './function-registry.ts';

/** The local host's logger (the project's convention: one line per call). */
export type HostLog = (line: string) => void;

export const consoleHostLog: HostLog = (line) => console.log(line);

/** `Error: message` plus its stack, for log lines. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

const LEVELS: Readonly<Record<LogLevel, string | undefined>> = {
  trace: 'trace',
  debug: 'debug',
  information: 'info',
  warning: 'warn',
  error: 'error',
  critical: 'critical',
  none: undefined,
};

export interface InvocationContextOptions {
  readonly fn: RegisteredFunction;
  readonly log: HostLog;
  readonly invocationId?: string;
  readonly retryContext?: InvocationContext['retryContext'];
  /** What the runtime passes for blob, Service Bus and Cosmos DB triggers. */
  readonly triggerMetadata?: Record<string, unknown>;
}

/** Without `triggerMetadata` it stays undefined, as the Node library leaves it for HTTP and timer triggers. */
export function createInvocationContext({ fn, log, invocationId = randomUUID(), retryContext, triggerMetadata }: InvocationContextOptions): InvocationContext {
  const returnBinding = fn.bindings['$return'];
  return new InvocationContext({
    invocationId,
    functionName: fn.name,
    ...(retryContext ? { retryContext } : {}),
    ...(triggerMetadata ? { triggerMetadata } : {}),
    logHandler: (level, ...args) => {
      const label = LEVELS[level];
      if (label) log(`[${fn.name}] ${label}: ${format(...args)} (Id=${invocationId})`);
    },
    options: {
      trigger: fn.trigger,
      ...(returnBinding ? { return: returnBinding as unknown as FunctionOutput } : {}),
      extraInputs: [],
      extraOutputs: [],
    },
  });
}
