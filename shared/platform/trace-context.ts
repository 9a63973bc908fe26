import { context, createTraceState, isSpanContextValid, ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api';

/**
 * W3C trace context (`traceparent`, `tracestate`) carried in a message's application
 * properties, so the trigger that consumes a message continues the trace of the code that sent
 * it: a request, its Cosmos DB calls, the Service Bus message it causes and the consumer are one
 * trace. Formatted and parsed here (the format is fixed: `00-<trace id>-<span id>-<flags>`), so it
 * does not depend on which propagator a host registered.
 */
export interface TraceContextProperties {
  readonly traceparent?: string;
  readonly tracestate?: string;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The active span's context as properties; empty when no trace is active (no SDK, or outside any span). */
export function traceContextProperties(active: Context = context.active()): TraceContextProperties {
  const span = trace.getSpanContext(active);
  if (span === undefined || !isSpanContextValid(span)) return {};
  const flags = (span.traceFlags & 0xff).toString(16).padStart(2, '0');
  const state = span.traceState?.serialize();
  return { traceparent: `00-${span.traceId}-${span.spanId}-${flags}`, ...(state ? { tracestate: state } : {}) };
}

/** The sender's span as the remote parent named by `traceparent`; undefined when it is absent or malformed. */
export function contextFromTraceProperties(properties: Readonly<Record<string, unknown>> | undefined, base: Context = ROOT_CONTEXT): Context | undefined {
  const traceparent = properties?.['traceparent'];
  const match = typeof traceparent === 'string' ? TRACEPARENT.exec(traceparent.trim().toLowerCase()) : null;
  if (match === null) return undefined;
  const tracestate = properties?.['tracestate'];
  const spanContext = {
    traceId: match[1]!,
    spanId: match[2]!,
    traceFlags: Number.parseInt(match[3]!, 16),
    isRemote: true,
    ...(typeof tracestate === 'string' && tracestate !== '' ? { traceState: createTraceState(tracestate) } : {}),
  };
  return isSpanContextValid(spanContext) ? trace.setSpanContext(base, spanContext) : undefined;
}

type WithProperties = { readonly applicationProperties?: Readonly<Record<string, string | number | boolean>> };

/** The message with the active trace context added to its application properties (one it already carries wins). */
export function withTraceContext<T extends WithProperties>(message: T, active: Context = context.active()): T {
  const properties = traceContextProperties(active);
  if (properties.traceparent === undefined || message.applicationProperties?.['traceparent'] !== undefined) return message;
  return { ...message, applicationProperties: { ...properties, ...message.applicationProperties } };
}
