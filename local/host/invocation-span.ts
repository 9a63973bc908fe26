import { context, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';

/**
 * Runs one local invocation inside a span, as the Functions host does in Azure: a consumer span
 * whose parent is the trace context the message carried (`traceparent` in its application
 * properties), or a server span continuing a request's `traceparent` header. Without an
 * OpenTelemetry SDK the span records nothing but still carries the parent's context, so what the
 * handler sends continues the same trace.
 */
export async function inInvocationSpan<T>(name: string, kind: 'consumer' | 'server', parent: Context | undefined, run: () => Promise<T>): Promise<T> {
  const tracer = trace.getTracer('stageline-local-host');
  return tracer.startActiveSpan(name, { kind: kind === 'consumer' ? SpanKind.CONSUMER : SpanKind.SERVER }, parent ?? context.active(), async (span) => {
    try {
      return await run();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}
