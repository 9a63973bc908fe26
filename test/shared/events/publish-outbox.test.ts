import { describe, expect, it } from 'vitest';
import { CloudEvent } from 'cloudevents';
import { publishOutbox } from '../../../shared/events/use-cases/publish-outbox.ts';
import { notificationMessageSchema } from '../../../shared/events/api/notification-message.schema.ts';
import { applyStageAction } from '../../../shared/stages/domain/application.ts';
import type { ApplicationRepository } from '../../../shared/stages/ports/application-repository.port.ts';
import { testChainSigner } from '../../support/test-chain-signer.ts';
import { verifyApplicationTimeline } from '../../../shared/timeline/use-cases/verify-timeline.ts';
import type { TimelineEntry } from '../../../shared/timeline/domain/timeline-entry.ts';
import { allDocuments } from '../../local/cosmos-support/cosmos-fixtures.ts';
import { candidate, recruiter, submission, TOPIC_SUBSCRIPTIONS, useEventFixture } from '../../e2e/support/event-fixtures.ts';

describe('publishOutbox against the embedded Cosmos DB server and the broker', () => {
  const fx = useEventFixture();

  async function timelineOf(applicationId: string): Promise<TimelineEntry[]> {
    const entries: TimelineEntry[] = [];
    for await (const entry of fx().timeline.store.all(applicationId)) entries.push(entry);
    return entries;
  }

  /** The fixture's repository with `replace` swapped out; every other call goes through to it. */
  function withReplace(replace: ApplicationRepository['replace']): ApplicationRepository {
    const applications = fx().applications;
    return {
      ...applications,
      get: (id) => applications.get(id),
      withStrandedOutbox: (...args) => applications.withStrandedOutbox(...args),
      create: (document) => applications.create(document),
      replace,
    };
  }

  it('sends each event to both topic subscriptions and the queue, appends it to the timeline, then trims the outbox', async () => {
    const stored = await fx().seed('app-1', { submitted: true });
    expect(stored.document.outbox.map((event) => event.id)).toEqual(['app-1:1', 'app-1:2']);

    const outcome = await publishOutbox(fx().deps(), stored.document);
    expect(outcome).toEqual({ published: 2, appendedToTimeline: 2, trimmed: 2 });

    for (const path of TOPIC_SUBSCRIPTIONS) {
      const messages = await fx().peekAll(path);
      expect(messages.map((message) => message.messageId)).toEqual(['app-1:1', 'app-1:2']);
      const second = messages[1]!;
      expect(second.contentType).toBe('application/cloudevents+json; charset=utf-8');
      expect(second.applicationProperties).toEqual({ kind: 'stage.transitioned', stageType: 'assignment', stageStatus: 'awaiting_recruiter', tenantId: 'acme', action: 'submit' });
      const cloudEvent = new CloudEvent(second.body as Record<string, unknown>);
      expect(cloudEvent).toMatchObject({
        specversion: '1.0',
        id: 'app-1:2',
        source: '/stageline/tenants/acme/applications',
        type: 'stageline.stage.transitioned',
        subject: 'app-1',
        time: stored.document.outbox[1]!.timestamp,
        stageeventkind: 'stage.transitioned',
        stageaction: 'submit',
        previousstatus: 'awaiting_candidate',
        sequence: '2',
      });
      expect(cloudEvent.data).toStrictEqual({
        type: 'STAGE_EVENT',
        stageType: 'assignment',
        stageStatus: 'awaiting_recruiter',
        applicationId: 'app-1',
        actor: candidate,
        timestamp: stored.document.outbox[1]!.timestamp,
      });
    }

    const notifications = await fx().peekAll('notifications');
    expect(notifications.map((message) => message.messageId)).toEqual(['app-1:1', 'app-1:2']);
    const first = notificationMessageSchema.parse(notifications[0]!.body);
    expect(first).toMatchObject({ type: 'STAGE_EVENT', eventId: 'app-1:1', kind: 'stage.created', stageStatus: 'awaiting_candidate', actor: recruiter, visibleToCandidate: true, actionableBy: 'candidate' });

    const entries = await timelineOf('app-1');
    expect(entries.map((entry) => [entry.id, entry.seq, entry.event.kind])).toEqual([
      ['app-1:1', 1, 'stage.created'],
      ['app-1:2', 2, 'stage.transitioned'],
    ]);
    const { chain, ...committed } = stored.document.outbox[1]!;
    expect(entries[1]!.event).toEqual(committed);
    expect([entries[1]!.prevHash, entries[1]!.hash, entries[1]!.mac]).toEqual([chain!.prevHash, chain!.hash, chain!.mac]);

    const after = await fx().applications.get('app-1');
    expect(after!.document.outbox).toEqual([]);
    expect(after!.document.eventSeq).toBe(2);
    expect(await verifyApplicationTimeline({ timeline: fx().timeline.store, signer: testChainSigner }, after!.document)).toEqual({ valid: true, anchored: true, entries: 2 });
  });

  it('keeps events committed while it published, and trims after losing the replace race', async () => {
    const stored = await fx().seed('app-2');
    let raced = false;
    const racing = withReplace(async (document, etag) => {
      if (!raced) {
        raced = true;
        // The candidate submits between the publisher's read and its replace.
        await fx().mutate('app-2', (current) => applyStageAction(current, 'app-2-st-1', 'submit', candidate, fx().clock.now(), submission).application);
      }
      return fx().applications.replace(document, etag);
    });

    const outcome = await publishOutbox(fx().deps({ applications: racing }), stored.document);
    expect(raced).toBe(true);
    expect(outcome).toEqual({ published: 1, appendedToTimeline: 1, trimmed: 1 });
    const after = await fx().applications.get('app-2');
    expect(after!.document.outbox.map((event) => event.id)).toEqual(['app-2:2']);
    expect(after!.document.stages[0]!.status).toBe('awaiting_recruiter');
    expect((await timelineOf('app-2')).map((entry) => entry.id)).toEqual(['app-2:1']);

    // The next run (the change feed delivers the newer version) publishes the rest, chained on.
    await publishOutbox(fx().deps(), after!.document);
    const entries = await timelineOf('app-2');
    expect(entries.map((entry) => entry.id)).toEqual(['app-2:1', 'app-2:2']);
    expect(entries[1]!.prevHash).toBe(entries[0]!.hash);
    expect((await fx().applications.get('app-2'))!.document.outbox).toEqual([]);
  });

  it('after a crash between publishing and trimming, a second run delivers no duplicate message and appends no duplicate entry', async () => {
    const stored = await fx().seed('app-3', { submitted: true });
    const crashing = withReplace(async () => {
      throw new Error('process killed before the trim');
    });
    await expect(publishOutbox(fx().deps({ applications: crashing }), stored.document)).rejects.toThrow('process killed before the trim');
    expect((await fx().applications.get('app-3'))!.document.outbox).toHaveLength(2);
    expect(await timelineOf('app-3')).toHaveLength(2);

    const second = await publishOutbox(fx().deps(), stored.document);
    expect(second).toEqual({ published: 2, appendedToTimeline: 0, trimmed: 2 });

    for (const path of [...TOPIC_SUBSCRIPTIONS, 'notifications']) {
      const received = await fx().broker.receive(path, { maxMessages: 100 });
      expect(received.map((message) => message.messageId)).toEqual(['app-3:1', 'app-3:2']);
      expect(fx().broker.counts(path)).toMatchObject({ active: 0, scheduled: 0 });
    }
    const timelineDocuments = await allDocuments(fx().cosmos.container('timeline'));
    expect([...timelineDocuments.keys()].sort()).toEqual(['app-3:1', 'app-3:2']);
    expect((await fx().applications.get('app-3'))!.document.outbox).toEqual([]);
  });

  it('two publishers racing on the same outbox store one entry per event and one valid chain', async () => {
    const stored = await fx().seed('app-4', { submitted: true });
    const results = await Promise.all([publishOutbox(fx().deps(), stored.document), publishOutbox(fx().deps(), stored.document)]);
    expect(results.map((result) => result.appendedToTimeline).reduce((a, b) => a + b)).toBe(2);
    expect(results.map((result) => result.trimmed).reduce((a, b) => a + b)).toBe(2);
    const after = (await fx().applications.get('app-4'))!.document;
    expect(after.outbox).toEqual([]);
    expect(await verifyApplicationTimeline({ timeline: fx().timeline.store, signer: testChainSigner }, after)).toEqual({ valid: true, anchored: true, entries: 2 });
    expect((await fx().peekAll('notifications')).map((message) => message.messageId)).toEqual(['app-4:1', 'app-4:2']);
  });

  it('does nothing for an empty outbox', async () => {
    const stored = await fx().seed('app-5');
    await publishOutbox(fx().deps(), stored.document);
    const trimmed = (await fx().applications.get('app-5'))!;
    expect(await publishOutbox(fx().deps(), trimmed.document)).toEqual({ published: 0, appendedToTimeline: 0, trimmed: 0 });
    expect((await fx().applications.get('app-5'))!.etag).toBe(trimmed.etag);
    expect(await fx().peekAll('notifications')).toHaveLength(1);
  });
});
