import { CloudEvent } from 'cloudevents';
import { z } from 'zod';
import { actorRefSchema, type ActorRef } from '../../auth/domain/actor.ts';
import type { OutboxEvent } from '../../stages/domain/application.schema.ts';
import { stageEventKinds, type StageEventKind } from '../../stages/domain/stage-event.ts';
import { stageTypes, type StageType } from '../../stages/domain/stage.model.ts';

/** The seed's event payload, kept exactly: the `data` of every `stage-events` CloudEvent. */
export interface StageEventPayload {
  readonly type: 'STAGE_EVENT';
  readonly stageType: StageType;
  readonly stageStatus: string;
  readonly applicationId: string;
  readonly actor: ActorRef;
  readonly timestamp: string;
}

/** Content type of a CloudEvent in structured mode (the whole event is the message body). */
export const CLOUDEVENTS_JSON = 'application/cloudevents+json; charset=utf-8';

/** CloudEvents `type` per event kind: `stageline.stage.created`, `stageline.stage.transitioned`, … */
export function cloudEventType(kind: StageEventKind): string {
  return `stageline.${kind}`;
}

export function cloudEventSource(tenantId: string): string {
  return `/stageline/tenants/${encodeURIComponent(tenantId)}/applications`;
}

export function stageEventPayload(event: OutboxEvent): StageEventPayload {
  return {
    type: 'STAGE_EVENT',
    stageType: event.stageType,
    stageStatus: event.stageStatus,
    applicationId: event.applicationId,
    actor: { role: event.actor.role, id: event.actor.id },
    timestamp: event.timestamp,
  };
}

/**
 * The CloudEvents 1.0 envelope of one outbox event. Context: `id` = event id, `source` names
 * the tenant's applications, `type` the kind, `subject` the application, `time` the event's
 * timestamp. Extension attributes (lower-case, as the spec requires) carry what the seed payload
 * leaves out but subscribers need: `stageeventkind`, `stageid`, `sequence` (the per-application
 * order, the CloudEvents sequence extension), `actionableby`, `tenantid`, and `stageaction` /
 * `previousstatus` when the event has them.
 */
export function toStageCloudEvent(event: OutboxEvent): CloudEvent<StageEventPayload> {
  return new CloudEvent<StageEventPayload>({
    specversion: '1.0',
    id: event.id,
    source: cloudEventSource(event.tenantId),
    type: cloudEventType(event.kind),
    subject: event.applicationId,
    time: event.timestamp,
    datacontenttype: 'application/json',
    data: stageEventPayload(event),
    stageeventkind: event.kind,
    stageid: event.stageId,
    sequence: String(event.seq),
    actionableby: event.actionableBy ?? 'none',
    tenantid: event.tenantId,
    ...(event.action === undefined ? {} : { stageaction: event.action }),
    ...(event.previousStatus === undefined ? {} : { previousstatus: event.previousStatus }),
  });
}

/** The seed's payload, exactly: the CloudEvent's `data` and the head of every notification message. */
export const stageEventPayloadSchema = z.object({
  type: z.literal('STAGE_EVENT'),
  stageType: z.enum(stageTypes),
  stageStatus: z.string().min(1),
  applicationId: z.string().min(1),
  actor: actorRefSchema,
  timestamp: z.string().min(1),
});

const structuredSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().min(1),
  subject: z.string().min(1),
  time: z.string().min(1),
  data: stageEventPayloadSchema,
  stageeventkind: z.enum(stageEventKinds),
  stageid: z.string().min(1),
  sequence: z.string().regex(/^[1-9][0-9]*$/),
  actionableby: z.enum(['candidate', 'recruiter', 'none']),
  tenantid: z.string().min(1),
  stageaction: z.string().min(1).optional(),
  previousstatus: z.string().min(1).optional(),
});

/** A `stage-events` message as subscribers (callbacks) read it back. */
export interface StageEventNotice {
  readonly id: string;
  readonly seq: number;
  readonly tenantId: string;
  readonly applicationId: string;
  readonly kind: StageEventKind;
  readonly stageId: string;
  readonly stageType: StageType;
  readonly stageStatus: string;
  readonly previousStatus?: string;
  readonly action?: string;
  readonly actionableBy: 'candidate' | 'recruiter' | null;
  readonly actor: ActorRef;
  readonly timestamp: string;
  readonly payload: StageEventPayload;
}

/** Reads a structured-mode CloudEvent body (an object, JSON text or UTF-8 bytes); throws on anything else. */
export function parseStageCloudEvent(body: unknown): StageEventNotice {
  const raw = typeof body === 'string' ? JSON.parse(body) : body instanceof Uint8Array ? JSON.parse(Buffer.from(body).toString('utf8')) : body;
  const event = structuredSchema.parse(raw);
  return {
    id: event.id,
    seq: Number(event.sequence),
    tenantId: event.tenantid,
    applicationId: event.subject,
    kind: event.stageeventkind,
    stageId: event.stageid,
    stageType: event.data.stageType,
    stageStatus: event.data.stageStatus,
    ...(event.previousstatus === undefined ? {} : { previousStatus: event.previousstatus }),
    ...(event.stageaction === undefined ? {} : { action: event.stageaction }),
    actionableBy: event.actionableby === 'none' ? null : event.actionableby,
    actor: event.data.actor,
    timestamp: event.data.timestamp,
    payload: event.data,
  };
}
