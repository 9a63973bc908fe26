import type { OutboxEvent } from '../../stages/domain/application.schema.ts';

/**
 * Where published events are recorded for good: the timeline capability appends each event to
 * the application's hash chain. Safe to call twice with the same events (a republish).
 */
export interface TimelineAppender {
  append(events: readonly OutboxEvent[], recordedAt: string): Promise<{ readonly appended: number; readonly alreadyPresent: number }>;
  /**
   * Whether event `seq` of the application is on the timeline. Events are appended in seq order
   * after they were sent, so `true` means it and every earlier event have left.
   */
  isPublished(tenantId: string, applicationId: string, seq: number): Promise<boolean>;
}
