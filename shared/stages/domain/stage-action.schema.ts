import { z } from 'zod';
import { documentRefSchema, linkRefSchema } from './document-ref.schema.ts';
import { freeTextSchema, idSchema, reasonSchema } from './schema-primitives.ts';
import { liveInterviewCallSchema } from './types/live-interview.schema.ts';

/** Every action any stage type knows. Which apply to which type and status is the lifecycle's business. */
export const stageActions = [
  'schedule',
  'request_reschedule',
  'approve_reschedule',
  'deny_reschedule',
  'move_call',
  'complete',
  'cancel',
  'add_artifact',
  'submit',
  'pass',
  'fail',
  'accept',
  'decline',
  'revoke',
  'expire',
  'add_onboarding_document',
] as const;
export type StageAction = (typeof stageActions)[number];

export const stageActionSchema = z.enum(stageActions);

export function isStageAction(value: unknown): value is StageAction {
  return typeof value === 'string' && (stageActions as readonly string[]).includes(value);
}

const empty = z.strictObject({});
const optionalReason = z.strictObject({ reason: reasonSchema.optional() });

/**
 * Payload of each action as the domain receives it. Actions owned by a capability (see the
 * lifecycle tables' `owner`) get their payload from that capability, never from a client:
 * the scheduling capability supplies `scheduledCallId` after it created the calendar event,
 * the documents capability a verified `DocumentRef` after its content gate accepted the upload.
 */
export const actionPayloadSchemas = {
  /** Candidate (or a recruiter for them) picks a slot; the scheduling capability has held it and created the call and its event. */
  schedule: z.strictObject({ slotId: idSchema, scheduledCallId: idSchema, call: liveInterviewCallSchema }),
  request_reschedule: z.strictObject({
    reason: reasonSchema,
    preferredSlotIds: z.array(idSchema).min(1).max(10).optional(),
  }),
  /** The call keeps its id (the calendar event is patched, never deleted first); the slot and the call's times move. */
  approve_reschedule: z.strictObject({ slotId: idSchema, reason: reasonSchema.optional(), call: liveInterviewCallSchema }),
  deny_reschedule: optionalReason,
  /** Calendar status sync: the event was moved in Google; the stage's copy of the call follows. */
  move_call: z.strictObject({ call: liveInterviewCallSchema }),
  complete: empty,
  cancel: optionalReason,
  /** A link; uploaded artifacts are attached by the documents capability after its content gate. */
  add_artifact: z.strictObject({ artifact: linkRefSchema }),
  submit: z.strictObject({ submission: documentRefSchema, note: freeTextSchema(2000).optional() }),
  pass: empty,
  fail: empty,
  accept: empty,
  decline: optionalReason,
  revoke: optionalReason,
  expire: empty,
  add_onboarding_document: z.strictObject({ document: documentRefSchema }),
} as const satisfies Record<StageAction, z.ZodType>;

export type ActionPayloads = { [A in StageAction]: z.output<(typeof actionPayloadSchemas)[A]> };
export type ActionPayloadInput<A extends StageAction> = z.input<(typeof actionPayloadSchemas)[A]>;
