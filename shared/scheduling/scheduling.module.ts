import { randomUUID } from 'node:crypto';
import type { Database } from '@azure/cosmos';
import type { Access } from '../auth/domain/permissions.ts';
import type { MessageBus } from '../events/ports/message-bus.port.ts';
import type { Clock } from '../platform/clock.ts';
import type { CalendarConfig } from '../platform/config.ts';
import type { CosmosRequestMeter } from '../platform/cosmos/cosmos-request-meter.ts';
import type { Keyring } from '../platform/crypto/keyring.ts';
import type { Reencryptor } from '../platform/crypto/reencryption.ts';
import type { StageResponse } from '../stages/api/application-views.schema.ts';
import type { StageCommands } from '../stages/api/stage-commands.ts';
import type { InterviewBooking, ScheduledInterviewRequest } from '../stages/ports/interview-booking.port.ts';
import { CosmosCallStore } from './adapters/cosmos-call-store.adapter.ts';
import { CosmosChannelStore } from './adapters/cosmos-channel-store.adapter.ts';
import { CosmosConnectionStore } from './adapters/cosmos-connection-store.adapter.ts';
import { CosmosSlotStore } from './adapters/cosmos-slot-store.adapter.ts';
import { emailIdAttendeeDirectory } from './adapters/email-id-attendee-directory.adapter.ts';
import { GoogleCalendarAdapter } from './adapters/google-calendar.adapter.ts';
import { checkCalendarReachable } from './adapters/google-calendar-reachability.ts';
import { GoogleOAuthAdapter } from './adapters/google-oauth.adapter.ts';
import { JoseOAuthStateSigner } from './adapters/jose-oauth-state.adapter.ts';
import { recordInvalidConnections, type NotificationOutcome } from './calendar-metrics.ts';
import type { CalendarConnectionView, CalendarNotificationHeaders, ConnectCalendarBody, OAuthCallbackQuery } from './api/calendar-connection.schema.ts';
import type { RescheduleBody, ScheduleBody, ScheduleResponse } from './api/schedule.schema.ts';
import type { ListSlotsQuery, PublishSlotsBody, SlotView, StageSlotsResponse } from './api/slots.schema.ts';
import type { AttendeeDirectory } from './ports/attendee-directory.port.ts';
import type { CalendarAuthorization } from './ports/calendar-authorization.port.ts';
import type { CalendarPort } from './ports/calendar.port.ts';
import { cancelInterviewEvent, type CancellationOutcome } from './use-cases/booking/cancel-interview-event.ts';
import { calendarReencryptor } from './use-cases/connection/calendar-reencryptor.ts';
import { disconnectCalendar, getCalendarConnection } from './use-cases/connection/calendar-connection-view.ts';
import { completeCalendarConnection, type CallbackOutcome } from './use-cases/connection/complete-calendar-connection.ts';
import { connectCalendar } from './use-cases/connection/connect-calendar.ts';
import { createScheduledInterview } from './use-cases/booking/create-scheduled-interview.ts';
import { listStageSlots } from './use-cases/slots/list-stage-slots.ts';
import { deleteSlot, listSlots } from './use-cases/slots/manage-slots.ts';
import { pollCalendars, type PollReport } from './use-cases/sync/poll-calendars.ts';
import { publishSlots } from './use-cases/slots/publish-slots.ts';
import { receiveCalendarNotification, type SyncRequest } from './use-cases/connection/receive-calendar-notification.ts';
import { rescheduleInterview } from './use-cases/booking/reschedule-interview.ts';
import { scheduleInterview } from './use-cases/booking/schedule-interview.ts';
import type { SchedulingDeps } from './use-cases/scheduling-deps.ts';
import { sweepBookings, type SweepReport } from './use-cases/booking/sweep-bookings.ts';
import { syncCalendar, type SyncOutcome } from './use-cases/sync/sync-calendar.ts';

/** The scheduling use cases, bound to their dependencies. */
export interface SchedulingUseCases {
  connectCalendar(access: Access, body: ConnectCalendarBody): Promise<{ authorizationUrl: string; expiresAt: string }>;
  completeConnection(query: OAuthCallbackQuery): Promise<{ location: string; outcome: CallbackOutcome }>;
  getConnection(access: Access): Promise<CalendarConnectionView>;
  disconnect(access: Access): Promise<CalendarConnectionView>;
  publishSlots(access: Access, body: PublishSlotsBody): Promise<{ slots: SlotView[] }>;
  listSlots(access: Access, query: ListSlotsQuery): Promise<{ slots: SlotView[] }>;
  deleteSlot(access: Access, slotId: string): Promise<void>;
  listStageSlots(access: Access, applicationId: string, stageId: string, timeZone: string | undefined): Promise<StageSlotsResponse>;
  schedule(access: Access, applicationId: string, stageId: string, body: ScheduleBody): Promise<ScheduleResponse>;
  reschedule(access: Access, applicationId: string, stageId: string, body: RescheduleBody): Promise<ScheduleResponse>;
  createScheduledInterview(access: Access, applicationId: string, request: ScheduledInterviewRequest): Promise<StageResponse>;
  receiveNotification(headers: CalendarNotificationHeaders): Promise<NotificationOutcome>;
  sync(request: SyncRequest): Promise<SyncOutcome>;
  cancelEvent(notice: { tenantId: string; applicationId: string; stageId: string }): Promise<CancellationOutcome>;
  poll(): Promise<PollReport>;
  sweep(): Promise<SweepReport>;
}

export interface SchedulingModule {
  readonly useCases: SchedulingUseCases;
  /** For the stages: live interviews created already booked. */
  readonly interviewBooking: InterviewBooking;
  /** For the key rotation command. */
  readonly reencryptor: Reencryptor;
  /** The `calendar` health check: Google reachable, and how many connections are invalid. */
  health(): Promise<Record<string, unknown>>;
  /** The dependencies, for tests that run a use case with their own clock. */
  readonly deps: SchedulingDeps;
}

export interface SchedulingModuleOptions {
  readonly database: Database;
  readonly calendar: CalendarConfig;
  readonly stages: StageCommands;
  readonly bus: MessageBus;
  readonly keyring: Keyring;
  readonly clock: Clock;
  readonly meter?: Pick<CosmosRequestMeter, 'record'>;
  /** Replaceable for tests; default: the Google adapters from `calendar`. */
  readonly calendarPort?: CalendarPort;
  readonly authorization?: CalendarAuthorization;
  readonly directory?: AttendeeDirectory;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export function bindSchedulingUseCases(deps: SchedulingDeps): SchedulingUseCases {
  return {
    connectCalendar: (access, body) => connectCalendar(deps, access, body),
    completeConnection: (query) => completeCalendarConnection(deps, query),
    getConnection: (access) => getCalendarConnection(deps, access),
    disconnect: (access) => disconnectCalendar(deps, access),
    publishSlots: (access, body) => publishSlots(deps, access, body),
    listSlots: (access, query) => listSlots(deps, access, query),
    deleteSlot: (access, slotId) => deleteSlot(deps, access, slotId),
    listStageSlots: (access, applicationId, stageId, timeZone) => listStageSlots(deps, access, applicationId, stageId, timeZone),
    schedule: (access, applicationId, stageId, body) => scheduleInterview(deps, access, applicationId, stageId, body),
    reschedule: (access, applicationId, stageId, body) => rescheduleInterview(deps, access, applicationId, stageId, body),
    createScheduledInterview: (access, applicationId, request) => createScheduledInterview(deps, access, applicationId, request),
    receiveNotification: (headers) => receiveCalendarNotification(deps, headers),
    sync: (request) => syncCalendar(deps, request.tenantId, request.recruiterId),
    cancelEvent: (notice) => cancelInterviewEvent(deps, notice),
    poll: () => pollCalendars(deps),
    sweep: () => sweepBookings(deps),
  };
}

/** The calendar's re-encryptor on its own (the key rotation command needs nothing else). */
export function createSchedulingReencryptor(database: Database): Reencryptor {
  return calendarReencryptor({
    connections: new CosmosConnectionStore({ container: database.container('calendarConnections') }),
    channels: new CosmosChannelStore({ container: database.container('calendarChannels') }),
  });
}

export function createSchedulingModule(options: SchedulingModuleOptions): SchedulingModule {
  const { calendar } = options;
  const stores = (id: string) => ({ container: options.database.container(id), ...(options.meter ? { meter: options.meter } : {}) });
  const deps: SchedulingDeps = {
    stages: options.stages,
    slots: new CosmosSlotStore(stores('slots')),
    calls: new CosmosCallStore(stores('scheduledCalls')),
    connections: new CosmosConnectionStore(stores('calendarConnections')),
    channels: new CosmosChannelStore(stores('calendarChannels')),
    calendar: options.calendarPort ?? new GoogleCalendarAdapter({ rootUrl: calendar.rootUrl, timeoutMs: calendar.timeoutMs }),
    authorization: options.authorization ?? new GoogleOAuthAdapter({ ...calendar.oauth, timeoutMs: calendar.timeoutMs }),
    stateSigner: new JoseOAuthStateSigner(calendar.oauth.stateKey),
    directory: options.directory ?? emailIdAttendeeDirectory,
    bus: options.bus,
    keyring: options.keyring,
    clock: options.clock,
    settings: {
      pushAddress: calendar.pushAddress,
      appRedirectUrl: calendar.oauth.appRedirectUrl,
      channelTtlSeconds: calendar.channelTtlSeconds,
      retryBudgetMs: calendar.retryBudgetMs,
      backoffBaseMs: calendar.backoffBaseMs,
    },
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    random: options.random ?? Math.random,
    newId: randomUUID,
    refreshes: new Map(),
  };
  const useCases = bindSchedulingUseCases(deps);
  return {
    useCases,
    interviewBooking: { createScheduledInterview: useCases.createScheduledInterview },
    reencryptor: calendarReencryptor(deps),
    deps,
    async health() {
      const invalidConnections = await deps.connections.countInState('invalid');
      recordInvalidConnections(invalidConnections);
      return { rootUrl: calendar.rootUrl, ...(await checkCalendarReachable(calendar.rootUrl)), invalidConnections };
    },
  };
}
