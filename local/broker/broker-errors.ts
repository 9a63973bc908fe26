/**
 * Errors the local broker raises. The codes are the ones `@azure/service-bus` puts on a
 * `ServiceBusError` for the same situation, so code that branches on `error.code` behaves the
 * same against the local broker and the real namespace. `BrokerClosed` has no Azure twin.
 */
export type BrokerErrorCode =
  /** The queue, topic, subscription or dead-letter path does not exist. */
  | 'MessagingEntityNotFound'
  /** The lock token is unknown, already settled or expired. */
  | 'MessageLockLost'
  /** No scheduled message with that sequence number. */
  | 'MessageNotFound'
  /** The call is not allowed on this entity or with these arguments. */
  | 'InvalidOperation'
  /** The broker was closed. */
  | 'BrokerClosed';

export class BrokerError extends Error {
  readonly code: BrokerErrorCode;

  constructor(code: BrokerErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'BrokerError';
    this.code = code;
  }
}

export function isBrokerError(error: unknown, code?: BrokerErrorCode): error is BrokerError {
  return error instanceof BrokerError && (code === undefined || error.code === code);
}
