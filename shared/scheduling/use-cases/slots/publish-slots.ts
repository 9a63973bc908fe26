import type { Access } from '../../../auth/domain/permissions.ts';
import { DomainError } from '../../../platform/errors.ts';
import { invalidRequest } from '../../../platform/validation.ts';
import type { FieldIssue } from '../../../platform/validation.ts';
import { newSlot, overlaps, type Slot } from '../../domain/slot.ts';
import { formatInZone, resolveWallTime } from '../../domain/wall-time.ts';
import type { PublishSlotsBody, SlotInput, SlotView } from '../../api/slots.schema.ts';
import type { SchedulingDeps } from '../scheduling-deps.ts';

const MIN_MINUTES = 15;
const MAX_MINUTES = 8 * 60;

export function slotView(slot: Slot): SlotView {
  return {
    id: slot.id,
    recruiterId: slot.recruiterId,
    start: slot.start,
    end: slot.end,
    timeZone: slot.timeZone,
    localStart: formatInZone(slot.start, slot.timeZone),
    localEnd: formatInZone(slot.end, slot.timeZone),
    state: slot.state,
  };
}

/** A wall time in its zone as an instant, or the field issue explaining why it has none. */
function instantOf(wallTime: string, timeZone: string, offset: string | undefined, path: string, issues: FieldIssue[]): string | undefined {
  const resolved = resolveWallTime(wallTime, timeZone, offset);
  if (resolved.kind === 'instant') return resolved.instant;
  issues.push({ path, message: resolved.reason, code: resolved.kind === 'nonexistent' ? 'nonexistent_local_time' : 'offset_mismatch' });
  return undefined;
}

function toInterval(input: SlotInput, index: number, now: string, issues: FieldIssue[]): { start: string; end: string } | undefined {
  const start = instantOf(input.start, input.timeZone, input.offset, `slots.${index}.start`, issues);
  const end = instantOf(input.end, input.timeZone, input.endOffset, `slots.${index}.end`, issues);
  if (start === undefined || end === undefined) return undefined;
  const minutes = (Date.parse(end) - Date.parse(start)) / 60_000;
  if (minutes < MIN_MINUTES || minutes > MAX_MINUTES) {
    issues.push({ path: `slots.${index}.end`, message: `A slot lasts ${MIN_MINUTES} minutes to ${MAX_MINUTES / 60} hours (this one: ${minutes} minutes of real time).`, code: 'slot_length' });
    return undefined;
  }
  if (Date.parse(start) <= Date.parse(now)) {
    issues.push({ path: `slots.${index}.start`, message: 'Must be in the future.', code: 'not_in_future' });
    return undefined;
  }
  return { start, end };
}

/**
 * `POST /api/calendar/slots`: the recruiter publishes availability as wall-clock times in an
 * IANA zone. Each becomes a UTC interval (a time skipped by a spring-forward change is 400 with
 * the reason; a time repeated by a fall-back change is the earlier one unless `offset` says
 * otherwise). Slots may not overlap each other or the recruiter's existing ones (409
 * `SLOT.OVERLAPS`). Concurrent publishers: each creates, then looks again; of two overlapping
 * new slots the later-created one is withdrawn.
 */
export async function publishSlots(deps: SchedulingDeps, access: Access, body: PublishSlotsBody): Promise<{ slots: SlotView[] }> {
  const now = deps.clock.now();
  const issues: FieldIssue[] = [];
  const intervals = body.slots.map((input, index) => toInterval(input, index, now, issues));
  if (issues.length > 0) throw invalidRequest(issues);
  const wanted = intervals.map((interval, index) => ({ ...interval!, index }));
  for (const a of wanted) {
    const clash = wanted.find((b) => b.index < a.index && overlaps(a, b));
    if (clash) throw new DomainError('SLOT.OVERLAPS', { details: { slot: a.index, overlaps: { index: clash.index } } });
  }
  const recruiterId = access.actor.id;
  const from = wanted.reduce((min, slot) => (slot.start < min ? slot.start : min), wanted[0]!.start);
  const to = wanted.reduce((max, slot) => (slot.end > max ? slot.end : max), wanted[0]!.end);
  const existing = await deps.slots.overlapping(access.tenantId, recruiterId, from, to);
  for (const slot of wanted) {
    const clash = existing.find((stored) => overlaps(slot, stored.document));
    if (clash) throw new DomainError('SLOT.OVERLAPS', { details: { slot: slot.index, overlaps: slotView(clash.document) } });
  }
  const created: Array<{ slot: Slot; etag: string }> = [];
  for (const [index, interval] of wanted.entries()) {
    const slot = newSlot({ id: deps.newId(), tenantId: access.tenantId, recruiterId, start: interval.start, end: interval.end, timeZone: body.slots[index]!.timeZone }, now);
    const stored = await deps.slots.create(slot);
    if (stored === 'exists') throw new Error(`Slot id ${slot.id} was taken`);
    created.push({ slot: stored.document, etag: stored.etag });
  }
  // Another publish may have run at the same moment: the earlier-created of two overlapping slots stays.
  const after = await deps.slots.overlapping(access.tenantId, recruiterId, from, to);
  const mine = new Set(created.map((entry) => entry.slot.id));
  const lost = created.find(({ slot }) =>
    after.some((other) => !mine.has(other.document.id) && overlaps(slot, other.document) && (other.document.createdAt < slot.createdAt || (other.document.createdAt === slot.createdAt && other.document.id < slot.id))),
  );
  if (lost !== undefined) {
    for (const entry of created) await deps.slots.delete(entry.slot, entry.etag);
    throw new DomainError('SLOT.OVERLAPS', { details: { slot: created.indexOf(lost), reason: 'published at the same moment by another request' } });
  }
  return { slots: created.map((entry) => slotView(entry.slot)) };
}
