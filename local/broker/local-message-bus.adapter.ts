import { BrokerError } from './broker-errors.ts';
import { InstanceMessageBus } from './instance-message-bus.ts';
import type { LocalBroker } from './local-broker.ts';

/**
 * The app's `MessageBus` port over the local host's in-process broker (the instance that owns
 * it). The broker belongs to the host: `close()` retires this adapter only, and the host closes
 * the broker itself. Each message carries the sender's trace context (as in Azure).
 */
export class LocalBrokerMessageBus extends InstanceMessageBus {
  constructor(broker: LocalBroker) {
    const assertOpen = () => {
      if (!broker.isOpen) throw new BrokerError('BrokerClosed', 'The local broker is closed.');
    };
    super({
      async send(entity, messages) {
        assertOpen();
        await broker.send(entity, messages);
      },
      async checkBus() {
        assertOpen();
      },
    });
  }
}
