import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, createTraceState, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import type { HttpRequest } from '@azure/functions';
import { installFunctionsCoreHook } from '../../local/host/register-core-hook.ts';
import { contextFromTraceProperties, traceContextProperties, withTraceContext } from '../../shared/platform/trace-context.ts';
import { installAsyncContext } from '../support/async-context.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/**
 * One trace from a request to the trigger that consumes the message it sent: the request's
 * `traceparent` is continued by the local host, the message carries it in its application
 * properties (`traceparent`), and the Service Bus trigger runs inside it. In Azure the Functions
 * host and `@azure/functions-opentelemetry-instrumentation` continue it the same way.
 */
const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const spanId = '00f067aa0ba902b7';
const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true, traceState: createTraceState('stageline=1') });

describe('W3C trace context in message properties', () => {
  let uninstall: () => void;
  beforeAll(() => (uninstall = installAsyncContext()));
  afterAll(() => uninstall());

  it('formats the active span as traceparent and tracestate, and nothing outside a trace', () => {
    expect(traceContextProperties(parent)).toEqual({ traceparent: `00-${traceId}-${spanId}-01`, tracestate: 'stageline=1' });
    expect(traceContextProperties(ROOT_CONTEXT)).toEqual({});
    expect(context.with(parent, () => traceContextProperties())).toEqual({ traceparent: `00-${traceId}-${spanId}-01`, tracestate: 'stageline=1' });
  });

  it('reads it back as the remote parent; a malformed or all-zero one is no parent', () => {
    const continued = trace.getSpanContext(contextFromTraceProperties({ traceparent: `00-${traceId}-${spanId}-01`, tracestate: 'stageline=1' })!);
    expect(continued).toMatchObject({ traceId, spanId, traceFlags: 1, isRemote: true });
    expect(continued?.traceState?.get('stageline')).toBe('1');
    for (const bad of [undefined, '', 'nonsense', `00-${'0'.repeat(32)}-${spanId}-01`, `00-${traceId}-${spanId}`, 42]) {
      expect(contextFromTraceProperties({ traceparent: bad }), String(bad)).toBeUndefined();
    }
  });

  it('adds it to a message, keeps one the message already carries, and leaves messages outside a trace alone', () => {
    const message = { messageId: 'm-1', body: {}, applicationProperties: { stageType: 'assignment' } };
    expect(withTraceContext(message, parent).applicationProperties).toEqual({ stageType: 'assignment', traceparent: `00-${traceId}-${spanId}-01`, tracestate: 'stageline=1' });
    const carried = { ...message, applicationProperties: { traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01` } };
    expect(withTraceContext(carried, parent)).toBe(carried);
    expect(withTraceContext(message, ROOT_CONTEXT)).toBe(message);
  });
});

describe('through the local host: request → message → consumer', () => {
  installFunctionsCoreHook();
  const consumed: Array<{ messageId: unknown; traceId: string | undefined; traceparent: unknown }> = [];
  let stack: TestStack;
  let uninstall: () => void;

  beforeAll(async () => {
    uninstall = installAsyncContext();
    const { app } = await import('@azure/functions');
    const { services } = await import('../../functions/app-services.ts');
    // A request that sends a message, and a consumer on a subscription the app itself does not consume.
    app.http('testTraceSend', {
      route: 'test/trace/{id}',
      methods: ['POST'],
      authLevel: 'anonymous',
      handler: async (request: HttpRequest) => {
        await services().bus.send('stage-events', [{ messageId: `trace-${request.params['id']}`, body: { test: true } }]);
        return { status: 202 };
      },
    });
    app.serviceBusTopic('testTraceConsumer', {
      connection: 'ServiceBusConnection',
      topicName: 'stage-events',
      subscriptionName: 'ats-sync',
      handler: async (_message: unknown, invocation) => {
        consumed.push({
          messageId: invocation.triggerMetadata?.['messageId'],
          traceId: trace.getSpanContext(context.active())?.traceId,
          traceparent: (invocation.triggerMetadata?.['applicationProperties'] as Record<string, unknown> | undefined)?.['traceparent'],
        });
      },
    });
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
    uninstall();
  });

  it('continues the caller\'s traceparent into the message and the trigger that consumes it', async () => {
    const id = randomUUID();
    const answer = await fetch(`${stack.baseUrl}/api/test/trace/${id}`, { method: 'POST', headers: { traceparent: `00-${traceId}-${spanId}-01` } });
    expect(answer.status).toBe(202);
    const deadline = Date.now() + 15_000;
    while (!consumed.some((entry) => entry.messageId === `trace-${id}`) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const entry = consumed.find((candidate) => candidate.messageId === `trace-${id}`);
    expect(entry).toBeDefined();
    expect(entry!.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(entry!.traceId).toBe(traceId);
  });

  it('sends a message outside any trace without trace properties', async () => {
    const id = randomUUID();
    expect((await fetch(`${stack.baseUrl}/api/test/trace/${id}`, { method: 'POST' })).status).toBe(202);
    const deadline = Date.now() + 15_000;
    while (!consumed.some((entry) => entry.messageId === `trace-${id}`) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(consumed.find((entry) => entry.messageId === `trace-${id}`)).toMatchObject({ traceparent: undefined });
  });
});
