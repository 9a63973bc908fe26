import type { ReceivedMessage } from './broker-types.ts';

/** `DateTimeOffset.MaxValue`: what Azure reports as the expiry of a message with no time-to-live. */
const NEVER_EXPIRES = '9999-12-31T23:59:59.999Z';

export interface ServiceBusTriggerInput {
  /** The handler's first argument. */
  readonly input: unknown;
  /** `context.triggerMetadata`. */
  readonly triggerMetadata: Record<string, unknown>;
}

/**
 * What the Functions host and `@azure/functions` v4 hand a single-message Service Bus trigger.
 *
 * - input: the body as a sender using `@azure/service-bus` would have it arrive: a JSON value
 *   (object, array, number, boolean, null) parsed, a string as that string, bytes as a Buffer.
 * - triggerMetadata: the extension's binding data (`ServiceBusTriggerBindingStrategy`) with
 *   the first letter of every key lower-cased, recursively, as `@azure/functions` does
 *   (`toCamelCaseValue`). Dates arrive as ISO strings. `applicationProperties` and its
 *   back-compat twin `userProperties` carry the sent properties plus, for a dead-lettered
 *   message, `deadLetterReason` / `deadLetterErrorDescription` (Azure keeps those there).
 */
export function toServiceBusTriggerInput(message: ReceivedMessage): ServiceBusTriggerInput {
  const applicationProperties: Record<string, unknown> = {
    ...message.applicationProperties,
    ...(message.deadLetterReason !== undefined ? { DeadLetterReason: message.deadLetterReason } : {}),
    ...(message.deadLetterErrorDescription !== undefined ? { DeadLetterErrorDescription: message.deadLetterErrorDescription } : {}),
  };
  const bindingData: Record<string, unknown> = {
    DeliveryCount: message.deliveryCount,
    DeadLetterSource: message.deadLetterSource,
    LockToken: message.lockToken,
    ExpiresAtUtc: NEVER_EXPIRES,
    EnqueuedTimeUtc: message.enqueuedTimeUtc.toISOString(),
    MessageId: message.messageId,
    ContentType: message.contentType,
    ReplyTo: undefined,
    SequenceNumber: message.sequenceNumber,
    To: undefined,
    Subject: message.subject,
    Label: message.subject,
    CorrelationId: message.correlationId,
    ApplicationProperties: applicationProperties,
    UserProperties: applicationProperties,
  };
  return { input: message.body, triggerMetadata: toCamelCaseValue(bindingData) as Record<string, unknown> };
}

/** `@azure/functions`' `toCamelCaseValue`: lower-cases the first letter of every key, recursively. */
function toCamelCaseValue(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return data.map(toCamelCaseValue);
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) result[key.charAt(0).toLowerCase() + key.slice(1)] = toCamelCaseValue(value);
  return result;
}
