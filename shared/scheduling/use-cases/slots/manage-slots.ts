import type { Access } from '../../../auth/domain/permissions.ts';
import { DomainError } from '../../../platform/errors.ts';
import type { ListSlotsQuery, SlotView } from '../../api/slots.schema.ts';
import { slotView } from './publish-slots.ts';
import type { SchedulingDeps } from '../scheduling-deps.ts';

const DAY_MS = 86_400_000;

/** `GET /api/calendar/slots?from&to`: the recruiter's own slots in the window (default: the next 90 days), by start. */
export async function listSlots(deps: SchedulingDeps, access: Access, query: ListSlotsQuery): Promise<{ slots: SlotView[] }> {
  const from = new Date(query.from ?? deps.clock.now()).toISOString();
  const to = new Date(query.to ?? Date.parse(from) + 90 * DAY_MS).toISOString();
  const stored = await deps.slots.overlapping(access.tenantId, access.actor.id, from, to);
  return { slots: stored.map((entry) => slotView(entry.document)) };
}

/** `DELETE /api/calendar/slots/{slotId}`: only a free slot (held or booked: 409 `SLOT.TAKEN`). */
export async function deleteSlot(deps: SchedulingDeps, access: Access, slotId: string): Promise<void> {
  const stored = await deps.slots.get(access.tenantId, access.actor.id, slotId);
  if (stored === undefined) throw new DomainError('SLOT.NOT_FOUND', { details: { slotId } });
  if (stored.document.state !== 'free') throw new DomainError('SLOT.TAKEN', { message: 'Only a free slot can be deleted.', details: { slotId, state: stored.document.state } });
  const deleted = await deps.slots.delete(stored.document, stored.etag);
  if (deleted === 'conflict') throw new DomainError('SLOT.TAKEN', { message: 'The slot was taken while it was being deleted.', details: { slotId } });
}
