import { z } from 'zod';
import { actorRefSchema } from '../../auth/domain/actor.ts';
import { idSchema, isoDateTimeSchema } from '../../stages/domain/schema-primitives.ts';

/** A hold lasts this long; one not confirmed by then (a crash between hold and event) is swept. */
export const HOLD_TTL_MS = 120_000;

export const slotStates = ['free', 'held', 'booked'] as const;
export type SlotState = (typeof slotStates)[number];

/**
 * The booking in progress: which call holds the slot and why (`schedule`: a new interview;
 * `reschedule`: an interview moving here). `until` is when the sweeper may take it back.
 */
export const slotHoldSchema = z.object({
  callId: idSchema,
  purpose: z.enum(['schedule', 'reschedule']),
  applicationId: idSchema,
  stageId: idSchema,
  heldBy: actorRefSchema,
  heldAt: isoDateTimeSchema,
  until: isoDateTimeSchema,
});
export type SlotHold = z.infer<typeof slotHoldSchema>;

export const slotBookingSchema = z.object({
  callId: idSchema,
  applicationId: idSchema,
  stageId: idSchema,
  bookedAt: isoDateTimeSchema,
});

/**
 * One recruiter availability slot (`slots` container, partition `/recruiterId`). Identity is
 * (tenantId, recruiterId, id). `start`/`end` are UTC instants; `timeZone` is the zone the
 * recruiter published it in. `generation` counts how often it became free again after a booking:
 * it is part of the call id, so a retry of a failed booking reuses its call (and event) while a
 * later booking of the same slot gets a new one.
 */
export const slotSchema = z.object({
  id: idSchema,
  kind: z.literal('slot'),
  tenantId: idSchema,
  recruiterId: idSchema,
  start: isoDateTimeSchema,
  end: isoDateTimeSchema,
  timeZone: z.string().min(1),
  state: z.enum(slotStates),
  generation: z.number().int().min(0),
  hold: slotHoldSchema.optional(),
  booking: slotBookingSchema.optional(),
  createdAt: isoDateTimeSchema,
  updatedAt: isoDateTimeSchema,
});
export type Slot = z.infer<typeof slotSchema>;

export interface NewSlotInput {
  readonly id: string;
  readonly tenantId: string;
  readonly recruiterId: string;
  readonly start: string;
  readonly end: string;
  readonly timeZone: string;
}

export function newSlot(input: NewSlotInput, now: string): Slot {
  return { ...input, kind: 'slot', state: 'free', generation: 0, createdAt: now, updatedAt: now };
}

export function overlaps(a: Pick<Slot, 'start' | 'end'>, b: Pick<Slot, 'start' | 'end'>): boolean {
  return Date.parse(a.start) < Date.parse(b.end) && Date.parse(b.start) < Date.parse(a.end);
}

/** Free and not yet started: what a candidate may pick. */
export function isOpen(slot: Slot, now: string): boolean {
  return slot.state === 'free' && Date.parse(slot.start) > Date.parse(now);
}

export function holdExpired(slot: Slot, now: string): boolean {
  return slot.state === 'held' && slot.hold !== undefined && Date.parse(slot.hold.until) <= Date.parse(now);
}

export type HoldOutcome =
  | { readonly kind: 'held'; readonly slot: Slot }
  /** Already booked by this very call: a retry after the booking completed. */
  | { readonly kind: 'booked_by_call'; readonly slot: Slot }
  | { readonly kind: 'taken' };

/**
 * Holds the slot for `hold.callId`: a free slot, or one this call already holds (a retry takes
 * its own hold over and extends it). Held by another call (even past its time: the sweeper must
 * first make sure that booking left no event) or booked: taken.
 */
export function holdSlot(slot: Slot, hold: Omit<SlotHold, 'until' | 'heldAt'>, now: string): HoldOutcome {
  if (slot.state === 'booked') return slot.booking?.callId === hold.callId ? { kind: 'booked_by_call', slot } : { kind: 'taken' };
  if (slot.state === 'held' && slot.hold?.callId !== hold.callId) return { kind: 'taken' };
  const until = new Date(Date.parse(now) + HOLD_TTL_MS).toISOString();
  const { booking: _none, ...rest } = slot;
  return { kind: 'held', slot: { ...rest, state: 'held', hold: { ...hold, heldAt: now, until }, updatedAt: now } };
}

/** Frees a slot this call holds; any other slot is returned unchanged. */
export function releaseHold(slot: Slot, callId: string, now: string): Slot {
  if (slot.state !== 'held' || slot.hold?.callId !== callId) return slot;
  const { hold: _hold, ...rest } = slot;
  return { ...rest, state: 'free', updatedAt: now };
}

/** Books a slot this call holds (or already booked); `undefined` when another call has it. */
export function bookSlot(slot: Slot, callId: string, now: string): Slot | undefined {
  if (slot.state === 'booked') return slot.booking?.callId === callId ? slot : undefined;
  if (slot.state === 'held' && slot.hold?.callId !== callId) return undefined;
  const { hold, ...rest } = slot;
  return {
    ...rest,
    state: 'booked',
    booking: { callId, applicationId: hold?.applicationId ?? '', stageId: hold?.stageId ?? '', bookedAt: now },
    updatedAt: now,
  };
}

/** Frees a slot this call had booked (the call moved away or was cancelled); a new generation begins. */
export function freeBooking(slot: Slot, callId: string, now: string): Slot {
  if (slot.state !== 'booked' || slot.booking?.callId !== callId) return slot;
  const { booking: _booking, ...rest } = slot;
  return { ...rest, state: 'free', generation: slot.generation + 1, updatedAt: now };
}
