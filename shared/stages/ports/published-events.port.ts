/**
 * Whether an application's event has left: sent to the event topic and the notifications queue,
 * and on the timeline. Events leave in seq order, so event `seq` published means every earlier
 * one was too. Implemented by the timeline (an event is published once its entry exists).
 */
export interface PublishedEvents {
  isPublished(tenantId: string, applicationId: string, seq: number): Promise<boolean>;
}
