import type { z } from 'zod';
import { countUnreadable } from './notification-metrics.ts';
import { UnreadableMessageError } from './notification-deps.ts';

/**
 * A queue message that is not what the queue carries: counted on every delivery, and as a dead
 * letter on its last one (Service Bus then moves it to the queue's dead-letter sub-queue with
 * `MaxDeliveryCountExceeded`: the function throws, the message is abandoned, and it is never
 * retried past the queue's `maxDeliveryCount`). The reason names the failing fields, never values.
 */
export function unreadable(queue: string, error: z.ZodError, delivery: { readonly deliveryCount: number; readonly maxDeliveryCount: number }): UnreadableMessageError {
  const last = delivery.deliveryCount >= delivery.maxDeliveryCount;
  countUnreadable(queue, last);
  const fields = error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
  return new UnreadableMessageError(
    `${queue}: unreadable message (delivery ${delivery.deliveryCount} of ${delivery.maxDeliveryCount}${last ? ', dead-lettered now' : ''}): ${fields}`,
  );
}
