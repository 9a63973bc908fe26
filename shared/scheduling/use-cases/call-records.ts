import { DomainError } from '../../platform/errors.ts';
import type { ScheduledCall } from '../domain/scheduled-call.ts';
import type { StoredDocument } from '../ports/scheduling-stores.port.ts';
import type { CallView } from '../api/schedule.schema.ts';
import type { SchedulingDeps } from './scheduling-deps.ts';

/** Read → change → conditional replace of a call, again on a lost race; `change` → `undefined` leaves it. */
export async function updateCall(
  deps: SchedulingDeps,
  tenantId: string,
  applicationId: string,
  callId: string,
  change: (call: ScheduledCall) => ScheduledCall | undefined,
): Promise<StoredDocument<ScheduledCall> | undefined> {
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const stored = await deps.calls.get(tenantId, applicationId, callId);
    if (stored === undefined) return undefined;
    const next = change(stored.document);
    if (next === undefined) return stored;
    const written = await deps.calls.replace({ ...next, updatedAt: deps.clock.now() }, stored.etag);
    if (written !== 'conflict' && written !== undefined) return written;
  }
  throw new DomainError('DEPENDENCY.UNAVAILABLE', { message: 'The scheduled call kept changing; retry.', retry: { after: 1 } });
}

/** The call as the caller may see it (the event id is staff-only). */
export function callView(call: ScheduledCall, role: string): CallView {
  return {
    id: call.id,
    status: call.status,
    start: call.start,
    end: call.end,
    timeZone: call.timeZone,
    ...(call.meetLink === undefined ? {} : { meetLink: call.meetLink }),
    ...(role === 'candidate' ? {} : { calendarEventId: call.calendarEventId }),
  };
}
