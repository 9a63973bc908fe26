import type { MessageBus } from '../../events/ports/message-bus.port.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { StageCommands } from '../../stages/api/stage-commands.ts';
import type { AttendeeDirectory } from '../ports/attendee-directory.port.ts';
import type { CalendarAuthorization, OAuthStateSigner } from '../ports/calendar-authorization.port.ts';
import type { CalendarPort } from '../ports/calendar.port.ts';
import type { CallStore, ChannelStore, ConnectionStore, SlotStore } from '../ports/scheduling-stores.port.ts';

export interface SchedulingSettings {
  /** Where Google pushes channel notifications (`POST /api/calendar/notifications`). */
  readonly pushAddress: string;
  /** Where the browser goes after the OAuth callback. */
  readonly appRedirectUrl: string;
  readonly channelTtlSeconds: number;
  /** Total time one request may spend retrying Calendar calls (~8 s). */
  readonly retryBudgetMs: number;
  /** First backoff ceiling (250 ms; doubles per retry). */
  readonly backoffBaseMs: number;
}

/** What the scheduling use cases need, built once by `scheduling.module.ts`. */
export interface SchedulingDeps {
  /** The stages' published commands: every stage change goes through their one mutation path. */
  readonly stages: StageCommands;
  readonly slots: SlotStore;
  readonly calls: CallStore;
  readonly connections: ConnectionStore;
  readonly channels: ChannelStore;
  readonly calendar: CalendarPort;
  readonly authorization: CalendarAuthorization;
  readonly stateSigner: OAuthStateSigner;
  readonly directory: AttendeeDirectory;
  readonly bus: MessageBus;
  readonly keyring: Keyring;
  readonly clock: Clock;
  readonly settings: SchedulingSettings;
  /** Waits between retries (tests pass a fast one). */
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly newId: () => string;
  /** Token refreshes in flight, one per connection (this process). */
  readonly refreshes: Map<string, Promise<unknown>>;
}
