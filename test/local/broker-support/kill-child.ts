/**
 * Child process for the kill -9 test: opens the broker on a journal and works it as fast as it
 * can, printing one line after every call the broker acknowledged, until it is killed.
 * Usage: node kill-child.ts <journalPath> <idPrefix>
 */
import { writeSync } from 'node:fs';
import { LocalBroker } from '../../../local/broker/local-broker.ts';
import { message, testQueues, testTopics } from './broker-fixtures.ts';

const [journalPath, prefix] = process.argv.slice(2);
if (!journalPath || !prefix) throw new Error('usage: kill-child.ts <journalPath> <idPrefix>');

const broker = await LocalBroker.open({ journalPath, queues: testQueues, topics: testTopics, compactThresholdBytes: 64 * 1024 });
const acknowledge = (line: string): void => void writeSync(1, `${line}\n`);
acknowledge('open');

for (let i = 0; ; i++) {
  const id = `${prefix}-${i}`;
  const [seq] = await broker.send('jobs', [message(id, { i, pad: 'p'.repeat(i % 500) })]);
  acknowledge(`sent ${id} ${seq}`);
  if (i % 5 === 0) {
    const [eventSeq] = await broker.send('events', [message(`${id}-event`, { i }, { applicationProperties: { kind: 'hired' } })]);
    acknowledge(`published ${id}-event ${eventSeq}`);
  }
  const [received] = await broker.receive('jobs');
  if (!received) continue;
  // Its settlement below may be journaled and then killed before it is acknowledged.
  acknowledge(`received ${received.messageId}`);
  if (i % 7 === 3) {
    await broker.deadLetter(received.lockToken, { reason: 'KillTest', description: `round ${prefix}` });
    acknowledge(`deadlettered ${received.messageId}`);
  } else if (i % 11 === 5) {
    acknowledge(`locked ${received.messageId} ${received.deliveryCount}`); // never settled
  } else if (i % 2 === 0) {
    await broker.complete(received.lockToken);
    acknowledge(`completed ${received.messageId}`);
  } else {
    await broker.abandon(received.lockToken);
    acknowledge(`abandoned ${received.messageId} ${received.deliveryCount}`);
  }
}
