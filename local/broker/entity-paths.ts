/** Service Bus entity paths, spelled as the real namespace spells them. */
export const DEAD_LETTER_SUFFIX = '/$deadletterqueue';

/** `stage-events/Subscriptions/ats-sync` */
export function subscriptionPath(topic: string, subscription: string): string {
  return `${topic}/Subscriptions/${subscription}`;
}

/** `notifications/$deadletterqueue`, `stage-events/Subscriptions/ats-sync/$deadletterqueue` */
export function deadLetterQueuePath(path: string): string {
  return `${path}${DEAD_LETTER_SUFFIX}`;
}

export function isDeadLetterQueuePath(path: string): boolean {
  return path.endsWith(DEAD_LETTER_SUFFIX);
}
