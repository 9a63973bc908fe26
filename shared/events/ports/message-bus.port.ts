import type { QueueName, TopicName } from '../../platform/messaging-entities.ts';

/** A message leaving Stageline for a queue or topic. `messageId` drives duplicate detection. */
export interface OutgoingMessage {
  readonly messageId: string;
  readonly body: unknown;
  readonly contentType?: string;
  readonly subject?: string;
  readonly correlationId?: string;
  readonly applicationProperties?: Readonly<Record<string, string | number | boolean>>;
  /** Hidden from receivers until this time (a scheduled message). */
  readonly scheduledEnqueueTimeUtc?: Date;
}

export interface MessageBus {
  /** Sends the messages to a queue or topic; resolves once the bus has accepted all of them. */
  send(entity: QueueName | TopicName, messages: readonly OutgoingMessage[]): Promise<void>;
  /** Resolves when the bus answers; rejects with the reason otherwise. */
  check(): Promise<void>;
  close(): Promise<void>;
}
