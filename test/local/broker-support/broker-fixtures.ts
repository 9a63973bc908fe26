import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QueueDefinition, TopicDefinition } from '../../../shared/platform/messaging-entities.ts';
import type { OutgoingMessage } from '../../../shared/events/ports/message-bus.port.ts';
import { LocalBroker } from '../../../local/broker/local-broker.ts';
import type { LocalBrokerOptions } from '../../../local/broker/broker-types.ts';

export const MINUTE = 60_000;

/** Entities the broker tests use: small limits so the interesting edges are few calls away. */
export const testQueues: QueueDefinition[] = [
  { name: 'jobs', maxDeliveryCount: 3, lockDurationMs: 30_000, duplicateDetectionWindowMs: 10 * MINUTE },
];

export const testTopics: TopicDefinition[] = [
  {
    name: 'events',
    duplicateDetectionWindowMs: 10 * MINUTE,
    subscriptions: [
      { name: 'all', maxDeliveryCount: 5, lockDurationMs: 30_000 },
      { name: 'hired', maxDeliveryCount: 5, lockDurationMs: 30_000, filter: { applicationProperties: { kind: 'hired' } } },
      { name: 'hired-eu', maxDeliveryCount: 5, lockDurationMs: 30_000, filter: { applicationProperties: { kind: 'hired', region: 'eu' } } },
    ],
  },
];

/** A clock the test moves by hand. */
export function manualClock(start = Date.UTC(2025, 0, 6, 9, 0, 0)): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => void (time += ms) };
}

export function message(messageId: string, body: unknown = { id: messageId }, extra: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return { messageId, body, ...extra };
}

export async function openTestBroker(options: Partial<LocalBrokerOptions> = {}): Promise<LocalBroker> {
  return LocalBroker.open({ queues: testQueues, topics: testTopics, ...options });
}

/** A fresh temporary directory and a function that removes it. */
export function tempDirectory(prefix = 'stageline-broker-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Resolves once `condition()` holds, checking after each macrotask; fails after `timeoutMs`. */
export async function eventually(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('Condition not met in time.');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
