import { describe, expect, it } from 'vitest';
import { publishChangedOutboxes } from '../../../shared/events/use-cases/publish-changed-outboxes.ts';
import { sweepStrandedOutboxes } from '../../../shared/events/use-cases/sweep-stranded-outboxes.ts';
import type { MessageBus } from '../../../shared/events/ports/message-bus.port.ts';
import type { StrandedOutboxes } from '../../../shared/events/ports/stranded-outboxes.port.ts';
import type { ApplicationRepository } from '../../../shared/stages/ports/application-repository.port.ts';
import { allDocuments } from '../../local/cosmos-support/cosmos-fixtures.ts';
import { TOPIC_SUBSCRIPTIONS, useEventFixture } from '../../e2e/support/event-fixtures.ts';
import { useTestMetrics } from '../../e2e/support/test-metrics.ts';

describe('outbox sweeper and change-feed batches', () => {
  const metrics = useTestMetrics();
  const fx = useEventFixture();

  /** The fixture's bus, refusing any send that carries an event of one of `applications`. */
  function busFailingFor(reason: string, ...applications: string[]): MessageBus {
    return {
      send: async (entity, messages) => {
        if (messages.some((message) => applications.some((id) => message.messageId.startsWith(`acme:${id}:`)))) throw new Error(reason);
        await fx().bus.send(entity, messages);
      },
      check: () => fx().bus.check(),
      close: async () => undefined,
    };
  }

  /** The fixture's repository, counting reads. */
  function countingApplications(): ApplicationRepository & { reads: number } {
    const applications = fx().applications;
    const counting = {
      reads: 0,
      get: (tenantId: string, id: string) => {
        counting.reads += 1;
        return applications.get(tenantId, id);
      },
      create: applications.create.bind(applications),
      replace: applications.replace.bind(applications),
      board: applications.board.bind(applications),
    };
    return counting;
  }

  const stranded = async () => [...(await allDocuments(fx().cosmos.container('strandedOutboxes'))).values()];
  const timelineIds = async () => [...(await allDocuments(fx().cosmos.container('timeline'))).keys()].sort();

  it('a failed publish lands in the stranded index; the sweep republishes it, clears it and records its age', async () => {
    const old = await fx().seed('old-1', { submitted: true });
    const other = await fx().seed('other-1');
    const batch = await publishChangedOutboxes(fx().deps({ bus: busFailingFor('topic unavailable', 'old-1') }), [old.document, other.document]);
    expect(batch).toEqual({ published: 1, stranded: [{ tenantId: 'acme', id: 'old-1', reason: 'topic unavailable' }], unreadable: [] });
    expect(await stranded()).toEqual([expect.objectContaining({ id: 'acme:old-1', tenantId: 'acme', applicationId: 'old-1', attempts: 1, lastError: 'topic unavailable' })]);
    expect(await timelineIds()).toEqual(['acme:other-1:1']);

    fx().clock.advance(90_000);
    const strandedBefore = await metrics().histogram('stageline.outbox.stranded_age_seconds');
    const applications = countingApplications();
    const outcome = await sweepStrandedOutboxes(fx().deps({ applications }));
    expect(outcome).toEqual({ applications: 1, oldestAgeSeconds: 90, republished: 2, failures: [] });
    expect(applications.reads).toBe(1);
    expect(await timelineIds()).toEqual(['acme:old-1:1', 'acme:old-1:2', 'acme:other-1:1']);
    expect((await fx().peekAll('notifications')).map((message) => message.messageId)).toEqual(['acme:other-1:1', 'acme:old-1:1', 'acme:old-1:2']);
    expect(await stranded()).toEqual([]);

    const strandedAfter = await metrics().histogram('stageline.outbox.stranded_age_seconds');
    expect(strandedAfter.count - strandedBefore.count).toBe(1);
    expect(strandedAfter.sum - strandedBefore.sum).toBe(90);
    expect(await metrics().gauge('stageline.outbox.oldest_stranded_age_seconds')).toBe(90);
    expect(await metrics().counter('stageline.outbox.published_events', { path: 'sweeper' })).toBe(2);
  });

  it('a sweep with nothing stranded reads the index and no application', async () => {
    for (const id of ['idle-1', 'idle-2', 'idle-3']) await fx().seed(id);
    const applications = countingApplications();
    const outcome = await sweepStrandedOutboxes(fx().deps({ applications }));
    expect(outcome).toEqual({ applications: 0, oldestAgeSeconds: 0, republished: 0, failures: [] });
    expect(applications.reads).toBe(0);
    expect(await metrics().gauge('stageline.outbox.oldest_stranded_age_seconds')).toBe(0);
    expect(await timelineIds()).toEqual([]);
  });

  it('an entry whose republish fails stays (one more attempt counted) and the sweep carries on with the others', async () => {
    const fails = await fx().seed('fails-1');
    const works = await fx().seed('works-1');
    await publishChangedOutboxes(fx().deps({ bus: busFailingFor('bus unavailable', 'fails-1', 'works-1') }), [fails.document, works.document]);
    expect((await stranded()).map((entry) => entry['id']).sort()).toEqual(['acme:fails-1', 'acme:works-1']);

    fx().clock.advance(120_000);
    const outcome = await sweepStrandedOutboxes(fx().deps({ bus: busFailingFor('still unavailable', 'fails-1') }));
    expect(outcome.failures).toEqual([{ applicationId: 'fails-1', reason: 'still unavailable' }]);
    expect(outcome.republished).toBe(1);
    expect(await stranded()).toEqual([expect.objectContaining({ id: 'acme:fails-1', attempts: 2, lastError: 'still unavailable' })]);
    expect(await timelineIds()).toEqual(['acme:works-1:1']);
    expect(await metrics().counter('stageline.outbox.publish_failures', { path: 'sweeper' })).toBe(1);

    // Once the bus is back, the next sweep empties the index.
    expect(await sweepStrandedOutboxes(fx().deps())).toMatchObject({ applications: 1, republished: 1, failures: [] });
    expect(await stranded()).toEqual([]);
    expect(await timelineIds()).toEqual(['acme:fails-1:1', 'acme:works-1:1']);
  });

  it('a stranded application whose stored document became unreadable is dead-lettered, not retried every minute', async () => {
    await fx().seed('rots-1');
    await fx().events.stranded.record('acme', 'rots-1', 'topic unavailable', fx().clock.now());
    const container = fx().cosmos.container('applications');
    const { resource } = await container.item('rots-1', ['acme', 'rots-1']).read();
    await container.item('rots-1', ['acme', 'rots-1']).replace({ ...resource, stages: 'not a list' });
    const outcome = await sweepStrandedOutboxes(fx().deps());
    expect(outcome.failures.map((failure) => failure.applicationId)).toEqual(['rots-1']);
    expect(await stranded()).toEqual([expect.objectContaining({ id: 'acme:rots-1', deadLettered: true, attempts: 2 })]);
    expect(await sweepStrandedOutboxes(fx().deps())).toMatchObject({ applications: 0, failures: [] });
  });

  it('a change-feed batch publishes what it can, reports unreadable documents, and throws only when a failure cannot be recorded', async () => {
    const a = await fx().seed('batch-a');
    const b = await fx().seed('batch-b');
    const documents = [
      { ...a.document, _lsn: 7, _etag: a.etag },
      { id: 'not-an-application', outbox: [{ nonsense: true }] },
      { ...b.document, outbox: [] },
    ];
    const outcome = await publishChangedOutboxes(fx().deps(), documents);
    expect(outcome).toMatchObject({ published: 1, stranded: [] });
    expect(outcome.unreadable.map((item) => item.id)).toEqual(['not-an-application']);
    expect(await timelineIds()).toEqual(['acme:batch-a:1']);
    // Named no tenant: reported only (metric and log), nothing to key an index entry by.
    expect(await stranded()).toEqual([]);

    // An unreadable application of a tenant is dead-lettered in the index; the sweeper leaves it to an operator.
    const broken = { ...b.document, id: 'batch-broken', outbox: [{ ...b.document.outbox[0]!, seq: 'one' }] };
    const second = await publishChangedOutboxes(fx().deps(), [broken, a.document]);
    expect(second.unreadable.map((item) => item.id)).toEqual(['batch-broken']);
    expect(await stranded()).toEqual([expect.objectContaining({ id: 'acme:batch-broken', deadLettered: true, lastError: expect.stringContaining('unreadable') })]);
    const applications = countingApplications();
    expect(await sweepStrandedOutboxes(fx().deps({ applications }))).toMatchObject({ applications: 0, republished: 0 });
    expect(applications.reads).toBe(0);
    await fx().cosmos.container('strandedOutboxes').item('acme:batch-broken', 'acme').delete();

    const c = await fx().seed('batch-c');
    const unrecordable: StrandedOutboxes = {
      record: async () => Promise.reject(new Error('index unavailable')),
      deadLetter: async () => Promise.reject(new Error('index unavailable')),
      list: async () => [],
      clear: async () => undefined,
    };
    await expect(publishChangedOutboxes(fx().deps({ bus: busFailingFor('topic unavailable', 'batch-b'), stranded: unrecordable }), [b.document, c.document])).rejects.toThrow(
      /1 outbox\(es\) could neither be published nor recorded/,
    );
    // The other application of the batch was published before the batch gave up.
    expect(await timelineIds()).toEqual(['acme:batch-a:1', 'acme:batch-c:1']);
    expect((await fx().peekAll(TOPIC_SUBSCRIPTIONS[0])).map((message) => message.messageId)).toEqual(['acme:batch-a:1', 'acme:batch-c:1']);
    expect(await stranded()).toEqual([]);
  });
});
