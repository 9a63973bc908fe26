import { describe, expect, it } from 'vitest';
import { publishChangedOutboxes } from '../../../shared/events/use-cases/publish-changed-outboxes.ts';
import { sweepStrandedOutboxes } from '../../../shared/events/use-cases/sweep-stranded-outboxes.ts';
import type { MessageBus } from '../../../shared/events/ports/message-bus.port.ts';
import { TOPIC_SUBSCRIPTIONS, useEventFixture } from '../../e2e/support/event-fixtures.ts';
import { useTestMetrics } from '../../e2e/support/test-metrics.ts';

describe('outbox sweeper and change-feed batches', () => {
  const metrics = useTestMetrics();
  const fx = useEventFixture();

  it('republishes only outboxes holding events older than a minute, and records their age', async () => {
    await fx().seed('old-1', { submitted: true });
    fx().clock.advance(45_000);
    await fx().seed('young-1');
    fx().clock.advance(45_000);
    const strandedBefore = await metrics().histogram('stageline.outbox.stranded_age_seconds');

    const outcome = await sweepStrandedOutboxes(fx().deps());
    expect(outcome).toEqual({ applications: 1, strandedEvents: 2, oldestAgeSeconds: 90, republished: 2, failures: [] });
    expect((await fx().applications.get('old-1'))!.document.outbox).toEqual([]);
    expect((await fx().applications.get('young-1'))!.document.outbox).toHaveLength(1);
    expect((await fx().peekAll('notifications')).map((message) => message.messageId)).toEqual(['old-1:1', 'old-1:2']);

    const stranded = await metrics().histogram('stageline.outbox.stranded_age_seconds');
    expect(stranded.count - strandedBefore.count).toBe(2);
    expect(stranded.sum - strandedBefore.sum).toBe(180);
    expect(await metrics().gauge('stageline.outbox.oldest_stranded_age_seconds')).toBe(90);
    expect(await metrics().counter('stageline.outbox.published_events', { path: 'sweeper' })).toBe(2);

    // A minute later the younger one is stranded too; the first is not found again.
    fx().clock.advance(60_000);
    const next = await sweepStrandedOutboxes(fx().deps());
    expect(next).toMatchObject({ applications: 1, strandedEvents: 1, republished: 1, failures: [] });
    expect((await fx().applications.get('young-1'))!.document.outbox).toEqual([]);
    const empty = await sweepStrandedOutboxes(fx().deps());
    expect(empty).toEqual({ applications: 0, strandedEvents: 0, oldestAgeSeconds: 0, republished: 0, failures: [] });
    expect(await metrics().gauge('stageline.outbox.oldest_stranded_age_seconds')).toBe(0);
  });

  it('reports an application it could not republish and carries on with the others', async () => {
    await fx().seed('fails-1');
    await fx().seed('works-1');
    fx().clock.advance(120_000);
    const flaky: MessageBus = {
      send: async (entity, messages) => {
        if (messages.some((message) => message.messageId.startsWith('fails-1'))) throw new Error('bus unavailable');
        await fx().bus.send(entity, messages);
      },
      check: () => fx().bus.check(),
      close: async () => undefined,
    };
    const outcome = await sweepStrandedOutboxes(fx().deps({ bus: flaky }));
    expect(outcome.failures).toEqual([{ applicationId: 'fails-1', reason: 'bus unavailable' }]);
    expect(outcome.republished).toBe(1);
    expect((await fx().applications.get('fails-1'))!.document.outbox).toHaveLength(1);
    expect((await fx().applications.get('works-1'))!.document.outbox).toEqual([]);
    expect(await metrics().counter('stageline.outbox.publish_failures', { path: 'sweeper' })).toBeGreaterThanOrEqual(1);
  });

  it('publishes a change-feed batch, reports unreadable documents, and throws after the others ran when one fails', async () => {
    const a = await fx().seed('batch-a');
    const b = await fx().seed('batch-b');
    const documents = [
      { ...a.document, _lsn: 7, _etag: a.etag },
      { id: 'not-an-application', outbox: [{ nonsense: true }] },
      { ...b.document, outbox: [] },
    ];
    const outcome = await publishChangedOutboxes(fx().deps(), documents);
    expect(outcome.published).toBe(1);
    expect(outcome.unreadable.map((item) => item.id)).toEqual(['not-an-application']);
    expect((await fx().applications.get('batch-a'))!.document.outbox).toEqual([]);
    expect((await fx().applications.get('batch-b'))!.document.outbox).toHaveLength(1);

    const c = await fx().seed('batch-c');
    const failing: MessageBus = {
      send: async (entity, messages) => {
        if (messages.some((message) => message.messageId.startsWith('batch-b'))) throw new Error('topic unavailable');
        await fx().bus.send(entity, messages);
      },
      check: async () => undefined,
      close: async () => undefined,
    };
    await expect(publishChangedOutboxes(fx().deps({ bus: failing }), [b.document, c.document])).rejects.toThrow(/1 of 2/);
    expect((await fx().applications.get('batch-c'))!.document.outbox).toEqual([]);
    expect((await fx().applications.get('batch-b'))!.document.outbox).toHaveLength(1);
    expect((await fx().peekAll(TOPIC_SUBSCRIPTIONS[0])).map((message) => message.messageId)).toEqual(['batch-a:1', 'batch-c:1']);
  });
});
