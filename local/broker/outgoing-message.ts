import type { OutgoingMessage } from '../../shared/events/ports/message-bus.port.ts';
import { BrokerError } from './broker-errors.ts';
import type { StoredMessage } from './journal-records.ts';
import { encodeBody } from './message-body-codec.ts';

/** Rejects what Service Bus would reject before accepting anything of the batch. */
export function validateOutgoing(entity: string, message: OutgoingMessage): void {
  if (typeof message.messageId !== 'string' || message.messageId.length === 0 || message.messageId.length > 128) {
    throw new BrokerError('InvalidOperation', `A message sent to "${entity}" needs a messageId of 1 to 128 characters.`);
  }
  const at = message.scheduledEnqueueTimeUtc;
  if (at !== undefined && !(at instanceof Date && Number.isFinite(at.getTime()))) {
    throw new BrokerError('InvalidOperation', `Message "${message.messageId}" has an invalid scheduledEnqueueTimeUtc.`);
  }
}

/** The stored form of an accepted message (deliveryCount 0). */
export function toStoredMessage(message: OutgoingMessage, seq: number, sentAt: number): StoredMessage {
  return {
    seq,
    messageId: message.messageId,
    body: encodeBody(message.body),
    ...(message.contentType !== undefined ? { contentType: message.contentType } : {}),
    ...(message.subject !== undefined ? { subject: message.subject } : {}),
    ...(message.correlationId !== undefined ? { correlationId: message.correlationId } : {}),
    ...(message.applicationProperties !== undefined ? { applicationProperties: { ...message.applicationProperties } } : {}),
    sentAt,
    ...(message.scheduledEnqueueTimeUtc !== undefined ? { scheduledAt: message.scheduledEnqueueTimeUtc.getTime() } : {}),
    deliveryCount: 0,
  };
}
