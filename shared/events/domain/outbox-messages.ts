import type { OutboxEvent } from '../../stages/domain/application.schema.ts';
import type { OutgoingMessage } from '../ports/message-bus.port.ts';
import { CLOUDEVENTS_JSON, stageEventPayload, toStageCloudEvent } from './stage-cloud-event.ts';
import type { NotificationMessageBody } from '../api/notification-message.schema.ts';
import type { ApplicationFacts } from './notification-facts.ts';

/**
 * The `stage-events` topic message of one event: the structured CloudEvent as body,
 * `messageId` = event id (duplicate detection), and application properties subscriptions can
 * filter on (correlation filters: `kind`, `stageType`, `stageStatus`, `action`, `tenantId`).
 */
export function topicMessage(event: OutboxEvent): OutgoingMessage {
  const cloudEvent = toStageCloudEvent(event);
  return {
    messageId: event.id,
    body: cloudEvent.toJSON(),
    contentType: CLOUDEVENTS_JSON,
    subject: cloudEvent.type,
    correlationId: event.applicationId,
    applicationProperties: {
      kind: event.kind,
      stageType: event.stageType,
      stageStatus: event.stageStatus,
      tenantId: event.tenantId,
      ...(event.action === undefined ? {} : { action: event.action }),
    },
  };
}

/** The `notifications` queue message of one event: the seed payload plus what fan-out needs. */
export function notificationMessage(event: OutboxEvent, application?: ApplicationFacts): OutgoingMessage {
  const body: NotificationMessageBody = {
    ...stageEventPayload(event),
    eventId: event.id,
    seq: event.seq,
    tenantId: event.tenantId,
    kind: event.kind,
    stageId: event.stageId,
    ...(event.previousStatus === undefined ? {} : { previousStatus: event.previousStatus }),
    ...(event.action === undefined ? {} : { action: event.action }),
    ...(event.feedbackId === undefined ? {} : { feedbackId: event.feedbackId }),
    visibleToCandidate: event.visibleToCandidate,
    actionableBy: event.actionableBy,
    ...(application === undefined ? {} : { application }),
  };
  return {
    messageId: event.id,
    body,
    contentType: 'application/json',
    subject: event.kind,
    correlationId: event.applicationId,
    applicationProperties: { kind: event.kind, stageType: event.stageType, tenantId: event.tenantId },
  };
}
