import { describe, expect, it } from 'vitest';
import { authorize, type Access } from '../../../shared/auth/domain/permissions.ts';
import type { Principal } from '../../../shared/auth/domain/principal.ts';
import { publishOutbox } from '../../../shared/events/use-cases/publish-outbox.ts';
import { addStage, addStageFeedback, applyStageAction } from '../../../shared/stages/domain/application.ts';
import { appendToTimeline } from '../../../shared/timeline/use-cases/append-to-timeline.ts';
import { readTimeline } from '../../../shared/timeline/use-cases/read-timeline.ts';
import type { TimelineEntry } from '../../../shared/timeline/domain/timeline-entry.ts';
import { verifyTimeline } from '../../../shared/timeline/use-cases/verify-timeline.ts';
import { candidate, recruiter, submission, useEventFixture } from '../../e2e/support/event-fixtures.ts';

const staffPrincipal: Principal = { subject: 'rec-1', tenantId: 'acme', roles: ['recruiter'] };
const candidatePrincipal: Principal = { subject: 'cand-1', tenantId: 'acme', roles: ['candidate'] };
/** What the routes hand the use cases: the access the permission table gives for the operation. */
const reader = (principal: Principal): Access => authorize(principal, 'timeline.read');
const verifier = (principal: Principal): Access => authorize(principal, 'timeline.verify');
const staff = reader(staffPrincipal);
const theCandidate = reader(candidatePrincipal);

describe('timeline against the embedded Cosmos DB server', () => {
  const fx = useEventFixture();

  const deps = () => ({ applications: fx().applications, timeline: fx().timeline.store });

  /** app-1: visible assignment (created, submitted), hidden assignment (created), feedback on the visible one = 4 events. */
  async function publishedApplication(): Promise<void> {
    await fx().seed('app-1', { submitted: true });
    await fx().mutate('app-1', (document) => addStage(document, { type: 'assignment', visibleToCandidate: false, data: { instructions: 'internal' } }, recruiter, fx().clock.now(), 'hidden-st').application);
    await fx().mutate('app-1', (document) =>
      addStageFeedback(document, 'app-1-st-1', { rating: 4, recommendation: 'yes', notes: 'Solid work' }, { role: 'recruiter', id: 'rec-1' }, fx().clock.now(), 'fb-1').application,
    );
    const stored = await fx().applications.get('app-1');
    await publishOutbox(fx().deps(), stored!.document);
  }

  it('pages through the whole timeline for staff, oldest first, entries as stored', async () => {
    await publishedApplication();
    const first = await readTimeline(deps(), staff, 'app-1', { limit: 3 });
    expect(first.items.map((entry) => (entry as TimelineEntry).seq)).toEqual([1, 2, 3]);
    expect(first.continuationToken).toEqual(expect.any(String));
    expect(first.items[0]).toHaveProperty('hash');
    const second = await readTimeline(deps(), staff, 'app-1', { limit: 3, continuationToken: first.continuationToken! });
    expect(second.items.map((entry) => (entry as TimelineEntry).event.kind)).toEqual(['stage.feedback_submitted']);
    expect(second.continuationToken).toBeUndefined();
    await expect(readTimeline(deps(), staff, 'app-1', { continuationToken: 'garbage' })).rejects.toMatchObject({ code: 'REQUEST.INVALID' });
  });

  it('shows the candidate only events about stages visible to them, never feedback, without hashes or staff ids', async () => {
    await publishedApplication();
    const page = await readTimeline(deps(), theCandidate, 'app-1', { limit: 10 });
    expect(page.items).toEqual([
      { id: 'app-1:1', seq: 1, recordedAt: expect.any(String), event: expect.objectContaining({ kind: 'stage.created', stageId: 'app-1-st-1', actor: { role: 'recruiter' } }) },
      { id: 'app-1:2', seq: 2, recordedAt: expect.any(String), event: expect.objectContaining({ kind: 'stage.transitioned', action: 'submit', actor: candidate }) },
    ]);
    expect(JSON.stringify(page)).not.toMatch(/hash|rec-1|hidden-st|fb-1/);

    // A stage hidden later disappears from the candidate's timeline too.
    await fx().mutate('app-1', (document) => ({ ...document, stages: document.stages.map((stage) => ({ ...stage, visibleToCandidate: false })) }));
    expect((await readTimeline(deps(), theCandidate, 'app-1', {})).items).toEqual([]);
  });

  it('isolates tenants and candidates, and keeps verify for staff', async () => {
    await publishedApplication();
    await expect(readTimeline(deps(), reader({ ...staffPrincipal, tenantId: 'other' }), 'app-1', {})).rejects.toMatchObject({ code: 'APPLICATION.NOT_FOUND' });
    await expect(readTimeline(deps(), reader({ ...candidatePrincipal, subject: 'cand-2' }), 'app-1', {})).rejects.toMatchObject({ code: 'APPLICATION.NOT_FOUND' });
    await expect(readTimeline(deps(), staff, 'missing', {})).rejects.toMatchObject({ code: 'APPLICATION.NOT_FOUND' });
    expect(() => reader({ ...staffPrincipal, roles: [] })).toThrow(expect.objectContaining({ code: 'AUTH.FORBIDDEN' }));
    expect(() => verifier(candidatePrincipal)).toThrow(expect.objectContaining({ code: 'AUTH.FORBIDDEN' }));
    expect(await verifyTimeline(deps(), verifier({ ...staffPrincipal, roles: ['interviewer'] }), 'app-1')).toEqual({ valid: true, entries: 4 });
  });

  it('verify reports the seq of an entry changed in the container, and a missing end', async () => {
    await publishedApplication();
    expect(await verifyTimeline(deps(), verifier(staffPrincipal), 'app-1')).toEqual({ valid: true, entries: 4 });
    const container = fx().cosmos.container('timeline');
    const { resource } = await container.item('app-1:3', 'app-1').read<Record<string, unknown> & { event: Record<string, unknown> }>();
    await container.item('app-1:3', 'app-1').replace({ ...resource!, event: { ...resource!.event, visibleToCandidate: true } });
    expect(await verifyTimeline(deps(), verifier(staffPrincipal), 'app-1')).toEqual({ valid: false, entries: 4, firstBrokenSeq: 3 });

    await container.item('app-1:3', 'app-1').replace(resource!);
    expect(await verifyTimeline(deps(), verifier(staffPrincipal), 'app-1')).toEqual({ valid: true, entries: 4 });
    await container.item('app-1:4', 'app-1').delete();
    expect(await verifyTimeline(deps(), verifier(staffPrincipal), 'app-1')).toEqual({ valid: false, entries: 3, firstBrokenSeq: 4 });
  });

  it('appending the same events again, or from two racing publishers, keeps one chained entry per event', async () => {
    const stored = await fx().seed('app-2', { submitted: true });
    const moved = applyStageAction(stored.document, 'app-2-st-1', 'pass', recruiter, fx().clock.now());
    const events = moved.application.outbox;
    const [a, b] = await Promise.all([appendToTimeline(fx().timeline.store, events, '2025-03-03T10:00:00.000Z'), appendToTimeline(fx().timeline.store, events, '2025-03-03T10:00:01.000Z')]);
    expect(a.appended + b.appended).toBe(3);
    expect(a.appended + a.alreadyPresent).toBe(3);
    const again = await appendToTimeline(fx().timeline.store, events.slice(1), '2025-03-03T11:00:00.000Z');
    expect(again).toEqual({ appended: 0, alreadyPresent: 2 });
    const entries: TimelineEntry[] = [];
    for await (const entry of fx().timeline.store.all('app-2')) entries.push(entry);
    expect(entries.map((entry) => entry.id)).toEqual(['app-2:1', 'app-2:2', 'app-2:3']);
    expect(entries[2]!.prevHash).toBe(entries[1]!.hash);
    expect(entries[1]!.prevHash).toBe(entries[0]!.hash);
  });

  it('refuses to append an event whose predecessor is not on the timeline', async () => {
    const stored = await fx().seed('app-3', { submitted: true });
    await expect(appendToTimeline(fx().timeline.store, stored.document.outbox.slice(1), fx().clock.now())).rejects.toThrow(/no entry 1/);
    expect(await fx().timeline.store.get('app-3', 2)).toBeUndefined();
  });
});
