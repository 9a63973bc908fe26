import type { StoredDocument } from '../../platform/cosmos/cosmos-documents.ts';
import type { CalendarChannel, CalendarConnection, ConnectionState } from '../domain/calendar-connection.ts';
import type { ScheduledCall } from '../domain/scheduled-call.ts';
import type { Slot } from '../domain/slot.ts';

export type { StoredDocument } from '../../platform/cosmos/cosmos-documents.ts';

/** Recruiter availability slots. Every read is scoped by (tenantId, recruiterId). */
export interface SlotStore {
  get(tenantId: string, recruiterId: string, slotId: string): Promise<StoredDocument<Slot> | undefined>;
  create(slot: Slot): Promise<StoredDocument<Slot> | 'exists'>;
  replace(slot: Slot, etag: string): Promise<StoredDocument<Slot> | 'conflict' | undefined>;
  delete(slot: Slot, etag: string): Promise<'deleted' | 'conflict' | undefined>;
  /** Slots starting before `to` and ending after `from`, by start. */
  overlapping(tenantId: string, recruiterId: string, from: string, to: string): Promise<StoredDocument<Slot>[]>;
  /** Held slots whose hold ran out before `now` (every tenant: the sweeper). */
  expiredHolds(now: string): Promise<StoredDocument<Slot>[]>;
}

/** Scheduled calls. Every read is scoped by (tenantId, applicationId). */
export interface CallStore {
  get(tenantId: string, applicationId: string, callId: string): Promise<StoredDocument<ScheduledCall> | undefined>;
  create(call: ScheduledCall): Promise<StoredDocument<ScheduledCall> | 'exists'>;
  replace(call: ScheduledCall, etag: string): Promise<StoredDocument<ScheduledCall> | 'conflict' | undefined>;
  /** Calls pending, or with a move pending, since before `before` (every tenant: the sweeper). */
  unsettled(before: string): Promise<StoredDocument<ScheduledCall>[]>;
  /** Scheduled calls of a recruiter that ended before `before`. */
  endedScheduled(tenantId: string, recruiterId: string, before: string): Promise<StoredDocument<ScheduledCall>[]>;
}

export interface ConnectionStore {
  get(tenantId: string, recruiterId: string): Promise<StoredDocument<CalendarConnection> | undefined>;
  create(connection: CalendarConnection): Promise<StoredDocument<CalendarConnection> | 'exists'>;
  replace(connection: CalendarConnection, etag: string): Promise<StoredDocument<CalendarConnection> | 'conflict' | undefined>;
  /** Every connection in one of `states`, page by page (every tenant: the poll and the key rotation). */
  each(states?: readonly ConnectionState[]): AsyncIterable<StoredDocument<CalendarConnection>>;
  countInState(state: ConnectionState): Promise<number>;
}

export interface ChannelStore {
  get(channelId: string): Promise<StoredDocument<CalendarChannel> | undefined>;
  upsert(channel: CalendarChannel): Promise<void>;
  replace(channel: CalendarChannel, etag: string): Promise<'replaced' | 'conflict' | 'gone'>;
  delete(channelId: string): Promise<void>;
  each(): AsyncIterable<StoredDocument<CalendarChannel>>;
}
