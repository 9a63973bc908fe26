import type { InvocationContext } from '@azure/functions';
import type { RegisteredFunction } from '../../../local/host/function-registry.ts';
import type { BlobTriggerLog } from '../../../local/host/blob-trigger.ts';

export interface RecordedCall {
  readonly content: Buffer;
  readonly context: InvocationContext;
}

export interface RecordingFunction {
  readonly fn: RegisteredFunction;
  readonly calls: RecordedCall[];
}

/**
 * A blob-triggered function shaped as `@azure/functions` registers it, recording each call.
 * `behaviour` runs after the call is recorded (throw to fail the invocation).
 */
export function recordingBlobFunction(
  name: string,
  path: string,
  behaviour: (call: RecordedCall, callNumber: number) => unknown = () => undefined,
): RecordingFunction {
  const calls: RecordedCall[] = [];
  const trigger = { type: 'blobTrigger', name: `${name}Trigger`, direction: 'in' as const, path, connection: 'DocumentsStorage', source: 'EventGrid' };
  const fn: RegisteredFunction = {
    name,
    trigger,
    bindings: { [trigger.name]: trigger },
    async handler(input, context) {
      if (!Buffer.isBuffer(input)) throw new Error('blob trigger input must be a Buffer');
      const call = { content: input, context };
      calls.push(call);
      return behaviour(call, calls.length);
    },
  };
  return { fn, calls };
}

export interface CollectedLog {
  readonly log: BlobTriggerLog;
  readonly lines: string[];
}

export function collectLog(): CollectedLog {
  const lines: string[] = [];
  return { lines, log: (level, message) => void lines.push(`${level}: ${message}`) };
}
