import { z } from 'zod';
import { documentRefSchema, linkRefSchema } from './document-ref.schema.ts';
import { freeTextSchema, idSchema, reasonSchema } from './schema-primitives.ts';

/** Every action any stage type knows. Which apply to which type and status is the lifecycle's business. */
export const stageActions = [
  'schedule',
  'request_reschedule',
  'approve_reschedule',
  'deny_reschedule',
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
  /** Candidate picks a slot; the scheduling service has held it and created the call. */
  schedule: z.strictObject({ slotId: idSchema, scheduledCallId: idSchema }),
  request_reschedule: z.strictObject({
    reason: reasonSchema,
    preferredSlotIds: z.array(idSchema).min(1).max(10).optional(),
  }),
  /** The call keeps its id (the calendar event is patched, never deleted first); only the slot moves. */
  approve_reschedule: z.strictObject({ slotId: idSchema, reason: reasonSchema.optional() }),
  deny_reschedule: optionalReason,
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
