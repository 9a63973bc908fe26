import { MessageChannel } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { InstanceChannel } from '../../local/host/instance-channel.ts';
import { InstanceMessageBus, reviveBrokerError, type BrokerAccess } from '../../local/broker/instance-message-bus.ts';
import { isBrokerError } from '../../local/broker/broker-errors.ts';
import { LocalBroker } from '../../local/broker/local-broker.ts';
import { LocalBrokerMessageBus } from '../../local/broker/local-message-bus.adapter.ts';
import { queues, topics } from '../../shared/platform/messaging-entities.ts';
import { message } from './broker-support/broker-fixtures.ts';
import { installAsyncContext } from '../support/async-context.ts';

type Api = { [method: string]: (...args: never[]) => unknown };
const ports: MessageChannel[] = [];
afterEach(() => {
  for (const channel of ports.splice(0)) {
    channel.port1.close();
    channel.port2.close();
  }
});

/** The two ends of a real message port: `caller` calls what `served` serves. */
function pair<R extends Api>(served: R, revive?: ConstructorParameters<typeof InstanceChannel>[2]): InstanceChannel<R> {
  const channel = new MessageChannel();
  ports.push(channel);
  new InstanceChannel<Api>(channel.port2, served, revive);
  return new InstanceChannel<R>(channel.port1, {}, revive);
}

describe('InstanceChannel', () => {
  it('calls the other side both ways, with structured-clone arguments and results', async () => {
    const a = pair({ echo: async (value: unknown) => value });
    const b = pair({ twice: (n: number) => n * 2 });
    await expect(a.call('echo', { at: new Date('2030-01-01T00:00:00Z'), list: [1, 'two'] })).resolves.toEqual({ at: new Date('2030-01-01T00:00:00Z'), list: [1, 'two'] });
    await expect(b.call('twice', 21)).resolves.toBe(42);
    const many = await Promise.all(Array.from({ length: 50 }, (_, n) => b.call('twice', n)));
    expect(many).toEqual(Array.from({ length: 50 }, (_, n) => n * 2));
  });

  it('rejects with the thrown error (name, message, code, stack) and with a clear one for an unknown method', async () => {
    const a = pair({
      fail: (): never => {
        throw Object.assign(new TypeError('bad input'), { code: 'E_BAD' });
      },
    });
    const error = await a.call('fail').catch((caught: unknown) => caught as Error & { code?: string });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'TypeError', message: 'bad input', code: 'E_BAD' });
    expect(error.stack).toContain('bad input');
    await expect(a.call('nothing' as 'fail')).rejects.toThrow('No method "nothing" on this instance.');
  });

  it('close() fails the calls still waiting and every later one with its reason', async () => {
    let release!: () => void;
    const a = pair({ slow: () => new Promise<string>((resolve) => (release = () => resolve('late'))) });
    const waiting = a.call('slow');
    await new Promise((resolve) => setTimeout(resolve, 20));
    a.close(new Error('The HTTP instance exited (code 1).'));
    await expect(waiting).rejects.toThrow('The HTTP instance exited (code 1).');
    await expect(a.call('slow')).rejects.toThrow('The HTTP instance exited (code 1).');
    release();
  });
});

describe('InstanceMessageBus (the HTTP instance\'s bus, across a real port to the main thread\'s broker)', () => {
  let broker: LocalBroker | undefined;
  let uninstall: () => void;
  beforeAll(() => (uninstall = installAsyncContext()));
  afterAll(() => uninstall());
  afterEach(async () => broker?.close());

  async function overPort() {
    broker = await LocalBroker.open({ queues, topics });
    const owner = new LocalBrokerMessageBus(broker);
    const a = pair<BrokerAccess & Api>({ send: (entity, messages) => owner.send(entity, messages), checkBus: () => owner.check() }, reviveBrokerError);
    return new InstanceMessageBus({ send: (entity, messages) => a.call('send', entity, messages), checkBus: () => a.call('checkBus') });
  }

  it('sends to the broker with the sender\'s trace context on each message, and checks it', async () => {
    const bus = await overPort();
    await expect(bus.check()).resolves.toBeUndefined();
    const span = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED });
    await context.with(trace.setSpan(context.active(), span), () => bus.send('notifications', [message('n-1', { to: 'cand-1' })]));
    const [stored] = await broker!.peek('notifications');
    expect(stored).toMatchObject({ messageId: 'n-1', body: { to: 'cand-1' } });
    expect(stored!.applicationProperties?.['traceparent']).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  });

  it('a closed broker fails the send with the broker\'s own error class and code; a closed bus sends nothing', async () => {
    const bus = await overPort();
    await broker!.close();
    const error = await bus.send('notifications', [message('n-2')]).catch((caught: unknown) => caught);
    expect(isBrokerError(error, 'BrokerClosed')).toBe(true);
    expect((error as Error).message).toBe('BrokerClosed: The local broker is closed.');
    await expect(bus.check()).rejects.toSatisfy((caught) => isBrokerError(caught, 'BrokerClosed'));

    broker = await LocalBroker.open({ queues, topics });
    const open = await overPort();
    await open.close();
    await expect(open.send('notifications', [message('n-3')])).rejects.toThrow('This message bus was closed.');
    expect(broker.counts('notifications').active).toBe(0);
  });
});
