import { afterEach, describe, expect, it } from 'vitest';
import type { Subscription } from '../../../local/broker/broker-types.ts';
import { CallbackRegistry, type PostTransitionCallback } from '../../../shared/events/domain/callback-registry.ts';
import { readStageSla } from '../../../shared/events/use-cases/read-stage-sla.ts';
import { runStageCallbacks } from '../../../shared/events/use-cases/run-stage-callbacks.ts';
import { stageSlaWatcher } from '../../../shared/events/use-cases/stage-sla-watcher.callback.ts';
import { publishOutbox } from '../../../shared/events/use-cases/publish-outbox.ts';
import { applyStageAction } from '../../../shared/stages/domain/application.ts';
import { candidate, recruiter, useEventFixture } from '../../e2e/support/event-fixtures.ts';
import { useTestMetrics } from '../../e2e/support/test-metrics.ts';
import { waitFor } from '../../local/cosmos-support/cosmos-fixtures.ts';
import { authorize } from '../../../shared/auth/domain/permissions.ts';

const PATH = 'stage-events/Subscriptions/post-transition-callbacks';
const DEAD_LETTERS = `${PATH}/$deadletterqueue`;
const MAX_DELIVERIES = 5;

describe('post-transition callback registry', () => {
  const metrics = useTestMetrics();
  const fx = useEventFixture();
  let pump: Subscription | undefined;
  // Registered after the fixture's hooks, so it runs before the fixture stops.
  afterEach(async () => {
    await pump?.close();
    pump = undefined;
  });

  /** Runs `registry` on the subscription the way functions/stage-callbacks.ts does: throw = abandon. */
  function startPump(registry: CallbackRegistry): void {
    const { broker, events, clock } = fx();
    pump = broker.subscribe(
      PATH,
      async (message) => {
        await runStageCallbacks({ registry, runs: events.callbackRuns, clock }, { body: message.body, deliveryCount: message.deliveryCount, maxDeliveryCount: MAX_DELIVERIES });
      },
      { onError: () => undefined },
    );
  }

  it('retries a throwing and a hanging callback until dead-lettered, without re-running or failing the others', async () => {
    const calls = { throws: 0, hangs: 0, aborted: 0, counts: [] as string[] };
    const throws: PostTransitionCallback = {
      name: 'always-throws',
      timeoutMs: 1_000,
      handle: async () => {
        calls.throws += 1;
        throw new Error('scoring service down');
      },
    };
    const hangs: PostTransitionCallback = {
      name: 'hangs',
      timeoutMs: 30,
      handle: (_event, { signal }) =>
        new Promise<void>(() => {
          calls.hangs += 1;
          signal.addEventListener('abort', () => (calls.aborted += 1));
        }),
    };
    const counts: PostTransitionCallback = {
      name: 'counts',
      timeoutMs: 1_000,
      handle: async (event) => void calls.counts.push(event.id),
    };
    const onlyOffers: PostTransitionCallback = {
      name: 'only-offers',
      timeoutMs: 1_000,
      accepts: (event) => event.stageType === 'offer',
      handle: async () => {
        throw new Error('must not run for an assignment');
      },
    };
    const registry = new CallbackRegistry().register(throws).register(hangs).register(counts).register(onlyOffers).register(stageSlaWatcher(fx().events.stageSla, fx().clock));

    const stored = await fx().seed('app-1');
    await publishOutbox(fx().deps(), stored.document);
    startPump(registry);

    await waitFor(() => fx().broker.counts(PATH).deadLetter === 1, 'the message to be dead-lettered');
    expect(calls.throws).toBe(MAX_DELIVERIES);
    expect(calls.hangs).toBe(MAX_DELIVERIES);
    expect(calls.aborted).toBe(MAX_DELIVERIES);
    expect(calls.counts).toEqual(['acme:app-1:1']);
    const [dead] = await fx().broker.peek(DEAD_LETTERS, 10);
    expect(dead).toMatchObject({ messageId: 'acme:app-1:1', deadLetterReason: 'MaxDeliveryCountExceeded' });

    const runs = await fx().events.callbackRuns.forEvent('acme', 'app-1', 'acme:app-1:1');
    const byName = Object.fromEntries(runs.map((run) => [run.callback, run]));
    expect(Object.keys(byName).sort()).toEqual(['always-throws', 'counts', 'hangs', 'stage-sla-watcher']);
    expect(byName['counts']).toMatchObject({ status: 'succeeded', attempt: 1 });
    expect(byName['stage-sla-watcher']).toMatchObject({ status: 'succeeded', attempt: 1 });
    expect(byName['always-throws']).toMatchObject({ status: 'dead_lettered', attempt: MAX_DELIVERIES, lastError: 'scoring service down' });
    expect(byName['hangs']).toMatchObject({ status: 'dead_lettered', attempt: MAX_DELIVERIES, lastError: 'timed out after 30 ms' });

    expect(await metrics().counter('stageline.callbacks.outcomes', { callback: 'always-throws', outcome: 'failed' })).toBe(MAX_DELIVERIES);
    expect(await metrics().counter('stageline.callbacks.outcomes', { callback: 'always-throws', outcome: 'dead_lettered' })).toBe(1);
    expect(await metrics().counter('stageline.callbacks.outcomes', { callback: 'hangs', outcome: 'timed_out' })).toBe(MAX_DELIVERIES);
    expect(await metrics().counter('stageline.callbacks.outcomes', { callback: 'counts', outcome: 'succeeded' })).toBe(1);
    expect(await metrics().counter('stageline.callbacks.outcomes', { callback: 'counts', outcome: 'skipped' })).toBe(MAX_DELIVERIES - 1);
    expect(await metrics().counter('stageline.callbacks.outcomes', { callback: 'only-offers' })).toBe(0);

    // The transition itself is untouched: the application still holds its stage as committed.
    expect((await fx().applications.get('acme', 'app-1'))!.document.stages[0]!.status).toBe('awaiting_candidate');
  });

  it('a callback that fails once succeeds on redelivery and the message completes', async () => {
    let attempts = 0;
    const flaky: PostTransitionCallback = {
      name: 'flaky',
      timeoutMs: 1_000,
      handle: async (_event, { attempt }) => {
        attempts += 1;
        if (attempt === 1) throw new Error('first try fails');
      },
    };
    const stored = await fx().seed('app-2');
    await publishOutbox(fx().deps(), stored.document);
    startPump(new CallbackRegistry().register(flaky));
    await waitFor(async () => (await fx().events.callbackRuns.forEvent('acme', 'app-2', 'acme:app-2:1')).some((run) => run.status === 'succeeded'), 'the retry to succeed');
    await waitFor(() => fx().broker.counts(PATH).locked === 0 && fx().broker.counts(PATH).active === 0, 'the message to complete');
    expect(attempts).toBe(2);
    expect(fx().broker.counts(PATH).deadLetter).toBe(0);
    expect(await fx().events.callbackRuns.forEvent('acme', 'app-2', 'acme:app-2:1')).toEqual([expect.objectContaining({ callback: 'flaky', status: 'succeeded', attempt: 2 })]);
  });

  it('the stage-SLA watcher records how long the stage waited on the candidate and on the recruiter', async () => {
    startPump(new CallbackRegistry().register(stageSlaWatcher(fx().events.stageSla, fx().clock)));
    const stored = await fx().seed('app-3');
    await publishOutbox(fx().deps(), stored.document);
    fx().clock.advance(2 * 3_600_000);
    const submitted = await fx().mutate('app-3', (document) => applyStageAction(document, 'app-3-st-1', 'submit', candidate, fx().clock.now(), { submission: { documentId: 'd', fileName: 'a.pdf', contentType: 'application/pdf', size: 10 } }).application);
    await publishOutbox(fx().deps(), submitted.document);
    fx().clock.advance(30 * 60_000);
    const passed = await fx().mutate('app-3', (document) => applyStageAction(document, 'app-3-st-1', 'pass', recruiter, fx().clock.now()).application);
    await publishOutbox(fx().deps(), passed.document);

    await waitFor(async () => (await fx().events.stageSla.get('acme', 'app-3', 'app-3-st-1'))?.record.observations.length === 3, 'three observations');
    const { record } = (await fx().events.stageSla.get('acme', 'app-3', 'app-3-st-1'))!;
    expect(record.waitedMs).toEqual({ candidate: 2 * 3_600_000, recruiter: 30 * 60_000 });
    expect(record.waitingOn).toBeNull();
    expect(record.stageStatus).toBe('completed');

    const principal = { subject: 'rec-1', tenantId: 'acme', roles: ['recruiter' as const] };
    const access = authorize(principal, 'events.readStageSla');
    const view = await readStageSla({ applications: fx().applications, stageSla: fx().events.stageSla, clock: fx().clock }, access, 'app-3');
    expect(view.stages).toEqual([expect.objectContaining({ stageId: 'app-3-st-1', stageType: 'assignment', waitedMs: { candidate: 2 * 3_600_000, recruiter: 30 * 60_000 }, waitingOn: null })]);
    await expect(readStageSla({ applications: fx().applications, stageSla: fx().events.stageSla, clock: fx().clock }, { ...access, tenantId: 'other' }, 'app-3')).rejects.toMatchObject({ code: 'APPLICATION.NOT_FOUND' });
    expect(() => authorize({ subject: 'cand-1', tenantId: 'acme', roles: ['candidate'] }, 'events.readStageSla')).toThrow(expect.objectContaining({ code: 'AUTH.FORBIDDEN' }));
  });

  it('the stage-SLA watcher replaces the record it saved last without reading it; after another instance wrote, it reads again and loses nothing', async () => {
    const notice = (seq: number, hours: number, actionableBy: 'candidate' | 'recruiter' | null, stageStatus: string) => {
      const timestamp = new Date(Date.parse('2025-03-01T09:00:00.000Z') + hours * 3_600_000).toISOString();
      const payload = { type: 'STAGE_EVENT' as const, stageType: 'assignment' as const, stageStatus, applicationId: 'app-sla', actor: recruiter, timestamp };
      return { id: `acme:app-sla:${seq}`, seq, tenantId: 'acme', applicationId: 'app-sla', kind: 'stage.transitioned' as const, stageId: 'sla-st', stageType: 'assignment' as const, stageStatus, actionableBy, actor: recruiter, timestamp, payload };
    };
    const context = { signal: new AbortController().signal, attempt: 1 };
    const instanceA = stageSlaWatcher(fx().events.stageSla, fx().clock);
    const instanceB = stageSlaWatcher(fx().events.stageSla, fx().clock);
    await instanceA.handle(notice(1, 0, 'candidate', 'awaiting_candidate'), context);

    const reads = fx().cosmos.server.faults.inject({ status: 503, container: 'stageSla', operation: 'read' });
    try {
      await instanceA.handle(notice(2, 2, 'recruiter', 'awaiting_recruiter'), context);
      expect(reads.hits).toBe(0);
    } finally {
      reads.remove();
    }
    // Another instance observes the next event (it reads: it has no memory of this stage).
    await instanceB.handle(notice(3, 3, 'candidate', 'awaiting_candidate'), context);
    // A's remembered etag is stale now: its replace is refused, it reads and keeps B's observation.
    await instanceA.handle(notice(4, 5, null, 'completed'), context);

    const { record } = (await fx().events.stageSla.get('acme', 'app-sla', 'sla-st'))!;
    expect(record.observations.map((observation) => observation.seq)).toEqual([1, 2, 3, 4]);
    expect(record.waitedMs).toEqual({ candidate: 2 * 3_600_000 + 2 * 3_600_000, recruiter: 3_600_000 });
  });

  it('refuses a badly named, duplicate or unbounded callback', () => {
    const ok: PostTransitionCallback = { name: 'ok', timeoutMs: 1000, handle: async () => undefined };
    const registry = new CallbackRegistry().register(ok);
    expect(() => registry.register(ok)).toThrow(/already registered/);
    expect(() => registry.register({ ...ok, name: 'Not Kebab' })).toThrow(/kebab-case/);
    expect(() => registry.register({ ...ok, name: 'slow', timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(registry.names()).toEqual(['ok']);
  });
});
