import type { ActorRef } from '../../auth/domain/actor.ts';
import { DomainError } from '../../platform/errors.ts';
import { bookSlot, freeBooking, holdSlot, releaseHold, type Slot } from '../domain/slot.ts';
import type { StoredDocument } from '../ports/scheduling-stores.port.ts';
import type { SchedulingDeps } from './scheduling-deps.ts';

export interface HoldRequest {
  readonly tenantId: string;
  readonly recruiterId: string;
  readonly slotId: string;
  readonly callId: string;
  readonly purpose: 'schedule' | 'reschedule';
  readonly applicationId: string;
  readonly stageId: string;
  readonly heldBy: ActorRef;
}

export type HeldSlot = { readonly kind: 'held' | 'booked_by_call'; readonly stored: StoredDocument<Slot> };

/**
 * Holds the slot with one conditional replace (`IfMatch`): of two requests racing for it, one
 * wins and the other reads it again and finds it taken (`SLOT.TAKEN`). A retry of the same
 * booking takes its own hold over.
 */
export async function holdSlotFor(deps: SchedulingDeps, request: HoldRequest): Promise<HeldSlot> {
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const stored = await deps.slots.get(request.tenantId, request.recruiterId, request.slotId);
    if (stored === undefined) throw new DomainError('SLOT.NOT_FOUND', { details: { slotId: request.slotId } });
    const outcome = holdSlot(stored.document, request, deps.clock.now());
    if (outcome.kind === 'taken') throw new DomainError('SLOT.TAKEN', { details: { slotId: request.slotId } });
    if (outcome.kind === 'booked_by_call') return { kind: 'booked_by_call', stored };
    const written = await deps.slots.replace(outcome.slot, stored.etag);
    if (written !== 'conflict' && written !== undefined) return { kind: 'held', stored: written };
  }
  throw new DomainError('SLOT.TAKEN', { details: { slotId: request.slotId, reason: 'contended' } });
}

/** Applies `change` to the stored slot with a conditional replace, re-reading on a lost race. */
export async function updateSlot(
  deps: SchedulingDeps,
  tenantId: string,
  recruiterId: string,
  slotId: string,
  change: (slot: Slot) => Slot,
): Promise<Slot | undefined> {
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const stored = await deps.slots.get(tenantId, recruiterId, slotId);
    if (stored === undefined) return undefined;
    const next = change(stored.document);
    if (next === stored.document) return next;
    const written = await deps.slots.replace(next, stored.etag);
    if (written !== 'conflict' && written !== undefined) return written.document;
  }
  throw new DomainError('DEPENDENCY.UNAVAILABLE', { message: 'The slot kept changing; retry.', retry: { after: 1 } });
}

export function releaseSlotHold(deps: SchedulingDeps, tenantId: string, recruiterId: string, slotId: string, callId: string): Promise<Slot | undefined> {
  return updateSlot(deps, tenantId, recruiterId, slotId, (slot) => releaseHold(slot, callId, deps.clock.now()));
}

export function bookHeldSlot(deps: SchedulingDeps, tenantId: string, recruiterId: string, slotId: string, callId: string): Promise<Slot | undefined> {
  return updateSlot(deps, tenantId, recruiterId, slotId, (slot) => bookSlot(slot, callId, deps.clock.now()) ?? slot);
}

export function freeBookedSlot(deps: SchedulingDeps, tenantId: string, recruiterId: string, slotId: string, callId: string): Promise<Slot | undefined> {
  return updateSlot(deps, tenantId, recruiterId, slotId, (slot) => freeBooking(slot, callId, deps.clock.now()));
}

/** Best effort: a failure leaves the hold to run out (the sweeper takes it back). */
export async function quietly(work: () => Promise<unknown>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch {
    return false;
  }
}
