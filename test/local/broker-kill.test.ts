import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BrokerMessage } from '../../local/broker/broker-types.ts';
import { openTestBroker, tempDirectory } from './broker-support/broker-fixtures.ts';

const CHILD = new URL('./broker-support/kill-child.ts', import.meta.url).pathname;

/** Runs the child on the journal, SIGKILLs it after `killAfter` acknowledged lines, returns every line it printed. */
async function runAndKill(journalPath: string, prefix: string, killAfter: number): Promise<string[]> {
  const child = spawn(process.execPath, [CHILD, journalPath, prefix], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines: string[] = [];
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
  for await (const line of createInterface({ input: child.stdout })) {
    lines.push(line);
    if (lines.length === killAfter) child.kill('SIGKILL');
  }
  const signal = await exited;
  if (signal !== 'SIGKILL') throw new Error(`The child ended on its own (${signal}): ${stderr}`);
  return lines;
}

interface Acknowledged {
  sent: Map<string, number>;
  published: Map<string, number>;
  completed: Set<string>;
  deadLettered: Set<string>;
  /** messageId → highest deliveryCount acknowledged to a receiver. */
  delivered: Map<string, number>;
  /** The message received last whose settlement was not acknowledged: the kill may have come after it was journaled. */
  inFlight?: string;
}

function record(lines: string[], into: Acknowledged): void {
  delete into.inFlight;
  for (const line of lines) {
    const [verb, id, number] = line.split(' ');
    if (verb === 'received') into.inFlight = id!;
    else if (verb !== 'sent' && verb !== 'published' && id === into.inFlight) delete into.inFlight;
    if (verb === 'sent') into.sent.set(id!, Number(number));
    if (verb === 'published') into.published.set(id!, Number(number));
    if (verb === 'completed') into.completed.add(id!);
    if (verb === 'deadlettered') into.deadLettered.add(id!);
    if (verb === 'locked' || verb === 'abandoned') into.delivered.set(id!, Math.max(Number(number), into.delivered.get(id!) ?? 0));
  }
}

describe('LocalBroker durability across kill -9', () => {
  let temp: ReturnType<typeof tempDirectory>;
  beforeEach(() => void (temp = tempDirectory()));
  afterEach(() => temp.remove());

  it('keeps every acknowledged send and settlement when the process is killed mid-work', async () => {
    const journalPath = join(temp.dir, 'journal.ndjson');
    const acked: Acknowledged = { sent: new Map(), published: new Map(), completed: new Set(), deadLettered: new Set(), delivered: new Map() };

    for (const [round, killAfter] of [['a', 1500], ['b', 900], ['c', 2500]] as const) {
      const lines = await runAndKill(journalPath, round, killAfter);
      expect(lines.length).toBeGreaterThanOrEqual(killAfter);
      record(lines, acked);

      const broker = await openTestBroker({ journalPath });
      try {
        const byId = (messages: BrokerMessage[]) => new Map(messages.map((m) => [m.messageId, m]));
        const jobs = byId(await broker.peek('jobs', 1_000_000));
        const dead = byId(await broker.peek('jobs/$deadletterqueue', 1_000_000));
        const events = byId(await broker.peek('events/Subscriptions/all', 1_000_000));
        expect(broker.counts('jobs').locked).toBe(0);

        for (const [id, seq] of acked.sent) {
          const stored = jobs.get(id) ?? dead.get(id);
          if (acked.completed.has(id)) {
            expect(stored, `${id} was completed`).toBeUndefined();
          } else if (id === acked.inFlight && stored === undefined) {
            // Completed and journaled, killed before the acknowledgement: counted as completed from here on.
            acked.completed.add(id);
          } else {
            expect(stored?.sequenceNumber, `${id} was acknowledged as sent`).toBe(seq);
          }
        }
        for (const id of acked.deadLettered) expect(dead.get(id)?.deadLetterReason, `${id} was dead-lettered`).toBe('KillTest');
        for (const [id, count] of acked.delivered) {
          if (!acked.completed.has(id) && !acked.deadLettered.has(id)) expect((jobs.get(id) ?? dead.get(id))?.deliveryCount).toBeGreaterThanOrEqual(count);
        }
        for (const [id, seq] of acked.published) expect(events.get(id)?.sequenceNumber, `${id} was published`).toBe(seq);

        // Nothing appears that was not acknowledged, except the one send that may have been in flight.
        const unacknowledged = [...jobs.keys(), ...dead.keys()].filter((id) => !acked.sent.has(id));
        expect(unacknowledged.length).toBeLessThanOrEqual(1);
        const maxSeq = Math.max(...acked.sent.values());
        const [nextSeq] = await broker.send('jobs', [{ messageId: `probe-${round}`, body: null }]);
        expect(nextSeq).toBeGreaterThan(maxSeq);
        acked.sent.set(`probe-${round}`, nextSeq!);
        expect(acked.completed.size + acked.deadLettered.size).toBeGreaterThan(0);
      } finally {
        await broker.close();
      }
    }
  });
});
