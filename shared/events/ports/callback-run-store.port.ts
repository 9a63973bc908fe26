/** How far one callback got with one event. */
export type CallbackRunStatus = 'succeeded' | 'failing' | 'dead_lettered';

export interface CallbackRun {
  readonly tenantId: string;
  readonly applicationId: string;
  readonly eventId: string;
  readonly callback: string;
  readonly status: CallbackRunStatus;
  /** Delivery attempt this record was written on. */
  readonly attempt: number;
  readonly lastError?: string;
  readonly updatedAt: string;
}

/**
 * Per-callback completion records, so that a redelivered event runs only the callbacks that
 * have not succeeded yet (one failing callback never re-runs the others). Written only when a
 * delivery had a failure: a delivery where every callback succeeds writes nothing.
 */
export interface CallbackRunStore {
  /** Names among `callbacks` that already succeeded for the event. */
  succeeded(tenantId: string, applicationId: string, eventId: string, callbacks: readonly string[]): Promise<Set<string>>;
  record(run: CallbackRun): Promise<void>;
  /** Every record of one event (diagnostics and tests). */
  forEvent(tenantId: string, applicationId: string, eventId: string): Promise<CallbackRun[]>;
}
