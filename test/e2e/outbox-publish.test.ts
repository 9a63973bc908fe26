import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../shared/events/ports/message-bus.port.ts';
import type { TimelineEntry } from '../../shared/timeline/domain/timeline-entry.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { stageApi, type StageApi } from '../support/stage-api.ts';
import { until } from './support/until.ts';

const ATS = 'stage-events/Subscriptions/ats-sync';
const CALLBACKS = 'stage-events/Subscriptions/post-transition-callbacks';

describe('outbox → topic, queue and timeline through the local host', () => {
  let stack: TestStack;
  let api: StageApi;
  let recruiter: string;
  let candidate: string;
  const sent: { entity: string; messageId: string }[] = [];

  beforeAll(async () => {
    stack = await startTestStack();
    recruiter = await stack.token('recruiter', 'acme', 'rec-1');
    candidate = await stack.token('candidate', 'acme', 'cand-1');
    api = stageApi({ baseUrl: stack.baseUrl, recruiterToken: recruiter, candidateToken: candidate });
    // Record what the app hands the bus (the notifications queue may have its own consumer).
    const bus = stack.host.services.bus;
    const send = bus.send.bind(bus);
    bus.send = async (entity, messages: readonly OutgoingMessage[]) => {
      await send(entity, messages);
      for (const message of messages) sent.push({ entity, messageId: message.messageId });
    };
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** Until the application's latest event is on the timeline (events leave in seq order). */
  async function drained(applicationId: string): Promise<void> {
    await until(`the events of ${applicationId} to be published`, async () => {
      stack.host.triggers.pokeChangeFeeds();
      const stored = await stack.host.services.events.applications.get('acme', applicationId);
      if (!stored || stored.document.eventSeq === 0) return undefined;
      return (await stack.host.services.timeline.published.isPublished('acme', applicationId, stored.document.eventSeq)) ? true : undefined;
    });
  }

  async function getJson(path: string, token: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await stack.api(path, { token });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('a stage mutation over HTTP reaches both subscriptions, the queue and the timeline, and leaves the application as committed', async () => {
    await api.createApplication('e2e-1', 'cand-1');
    const stageId = await api.createAssignment('e2e-1');
    const hiddenId = await api.createAssignment('e2e-1', { visibleToCandidate: false });
    // `submit` belongs to the documents capability (after its content gate): applied here through its use case.
    await stack.host.services.stages.useCases.applyOwnedAction({ tenantId: 'acme', actor: { role: 'candidate', id: 'cand-1' } }, 'e2e-1', stageId, 'submit', {
      submission: { documentId: 'doc-1', fileName: 'answer.pdf', contentType: 'application/pdf', size: 1200 },
    });
    await drained('e2e-1');
    const ids = ['acme:e2e-1:1', 'acme:e2e-1:2', 'acme:e2e-1:3'];

    const ats = await stack.host.broker.peek(ATS, 100);
    expect(ats.filter((message) => message.messageId.startsWith('acme:e2e-1:')).map((message) => message.messageId)).toEqual(ids);
    const submitted = ats.find((message) => message.messageId === 'acme:e2e-1:3')!;
    expect(submitted.body).toMatchObject({
      specversion: '1.0',
      type: 'stageline.stage.transitioned',
      source: '/stageline/tenants/acme/applications',
      subject: 'e2e-1',
      data: { type: 'STAGE_EVENT', stageType: 'assignment', stageStatus: 'awaiting_recruiter', applicationId: 'e2e-1', actor: { role: 'candidate', id: 'cand-1' } },
    });
    expect(sent.filter((s) => s.entity === 'notifications' && s.messageId.startsWith('acme:e2e-1:')).map((s) => s.messageId)).toEqual(ids);
    expect(sent.filter((s) => s.entity === 'stage-events' && s.messageId.startsWith('acme:e2e-1:')).map((s) => s.messageId)).toEqual(ids);

    // The callbacks subscription was consumed by the registry: the SLA watcher recorded both stages.
    await until('the callbacks to finish', () => (stack.host.broker.counts(CALLBACKS).active + stack.host.broker.counts(CALLBACKS).locked === 0 ? true : undefined));
    const sla = await until('the SLA records', async () => {
      const { body } = await getJson('/applications/e2e-1/stage-sla', recruiter);
      const stages = body['stages'] as Array<{ stageId: string; stageStatus: string; waitingOn: { side: string } | null }>;
      return stages.length === 2 && stages.some((stage) => stage.stageStatus === 'awaiting_recruiter') ? stages : undefined;
    });
    expect(sla.find((stage) => stage.stageId === stageId)).toMatchObject({ stageStatus: 'awaiting_recruiter', waitingOn: { side: 'recruiter' } });
    expect(sla.find((stage) => stage.stageId === hiddenId)).toMatchObject({ stageStatus: 'awaiting_candidate', waitingOn: { side: 'candidate' } });

    const staff = await getJson('/applications/e2e-1/timeline', recruiter);
    expect(staff.status).toBe(200);
    const entries = staff.body['items'] as TimelineEntry[];
    expect(entries.map((entry) => [entry.id, entry.event.kind])).toEqual([
      ['acme:e2e-1:1', 'stage.created'],
      ['acme:e2e-1:2', 'stage.created'],
      ['acme:e2e-1:3', 'stage.transitioned'],
    ]);
    expect(entries[2]!.prevHash).toBe(entries[1]!.hash);

    const own = await getJson('/applications/e2e-1/timeline', candidate);
    // Numbered among what the candidate sees: the hidden stage's event (seq 2) leaves no gap.
    expect((own.body['items'] as Array<{ id: string; seq: number }>).map((entry) => [entry.id, entry.seq])).toEqual([['e2e-1:c1', 1], ['e2e-1:c2', 2]]);
    expect(JSON.stringify(own.body)).not.toContain(hiddenId);

    expect((await getJson('/applications/e2e-1/timeline/verify', recruiter)).body).toEqual({ valid: true, anchored: true, entries: 3 });
    expect((await getJson('/applications/e2e-1/timeline/verify', candidate)).status).toBe(403);
    const otherTenant = await stack.token('recruiter', 'globex', 'rec-9');
    expect((await getJson('/applications/e2e-1/timeline', otherTenant)).status).toBe(404);
    expect((await stack.api('/applications/e2e-1/timeline')).status).toBe(401);
  });

  it('pages the timeline and rejects a bad page query', async () => {
    const page = await getJson('/applications/e2e-1/timeline?limit=2', recruiter);
    expect((page.body['items'] as TimelineEntry[]).map((entry) => entry.seq)).toEqual([1, 2]);
    const next = await getJson(`/applications/e2e-1/timeline?limit=2&continuationToken=${encodeURIComponent(String(page.body['continuationToken']))}`, recruiter);
    expect((next.body['items'] as TimelineEntry[]).map((entry) => entry.seq)).toEqual([3]);
    expect(next.body['continuationToken']).toBeUndefined();
    expect((await getJson('/applications/e2e-1/timeline?limit=0', recruiter)).body).toMatchObject({ code: 'REQUEST.INVALID' });
  });

  it('verify reports the seq of a timeline entry changed in the store', async () => {
    const container = stack.host.services.database.container('timeline');
    const { resource } = await container.item('acme:e2e-1:2', ['acme', 'e2e-1']).read<Record<string, unknown> & { event: Record<string, unknown> }>();
    await container.item('acme:e2e-1:2', ['acme', 'e2e-1']).replace({ ...resource!, event: { ...resource!.event, actor: { role: 'admin', id: 'mallory' } } });
    expect((await getJson('/applications/e2e-1/timeline/verify', recruiter)).body).toEqual({ valid: false, anchored: false, entries: 3, firstBrokenSeq: 2 });
  });

  it('a throwing callback is retried and dead-lettered while the other callbacks run once and the transition stands', async () => {
    const registry = stack.host.services.events.callbacks;
    const seen = { throws: 0, counts: [] as string[] };
    registry.register({
      name: 'test-throws',
      timeoutMs: 1_000,
      accepts: (event) => event.applicationId === 'e2e-2',
      handle: async () => {
        seen.throws += 1;
        throw new Error('ai scoring down');
      },
    });
    registry.register({ name: 'test-counts', timeoutMs: 1_000, accepts: (event) => event.applicationId === 'e2e-2', handle: async (event) => void seen.counts.push(event.id) });
    try {
      await api.createApplication('e2e-2', 'cand-1');
      const stageId = await api.createAssignment('e2e-2');
      await drained('e2e-2');
      const dead = await until('the event to be dead-lettered', async () => {
        const messages = await stack.host.broker.peek(`${CALLBACKS}/$deadletterqueue`, 100);
        return messages.find((message) => message.messageId === 'acme:e2e-2:1');
      });
      expect(dead.deadLetterReason).toBe('MaxDeliveryCountExceeded');
      expect(seen.throws).toBe(5);
      expect(seen.counts).toEqual(['acme:e2e-2:1']);
      const runs = await stack.host.services.events.callbackRuns.forEvent('acme', 'e2e-2', 'acme:e2e-2:1');
      expect(Object.fromEntries(runs.map((run) => [run.callback, run.status]))).toEqual({ 'stage-sla-watcher': 'succeeded', 'test-counts': 'succeeded', 'test-throws': 'dead_lettered' });

      const stage = await getJson(`/applications/e2e-2/stages/${stageId}`, recruiter);
      expect(stage.status).toBe(200);
      expect(stage.body['stage']).toMatchObject({ id: stageId, status: 'awaiting_candidate' });
      const metrics = await (await fetch(`${stack.baseUrl}/metrics`)).text();
      expect(metrics).toMatch(/stageline_callbacks_outcomes(_total)?\{[^}]*callback="test-throws"[^}]*outcome="dead_lettered"[^}]*\} 1/);
    } finally {
      registry.unregister('test-throws');
      registry.unregister('test-counts');
    }
  });
});
