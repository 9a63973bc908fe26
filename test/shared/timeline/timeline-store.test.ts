import { describe, expect, it } from 'vitest';
import { foreignChainSigner, testChainSigner } from '../../support/test-chain-signer.ts';
import { authorize, type Access } from '../../../shared/auth/domain/permissions.ts';
import type { Principal } from '../../../shared/auth/domain/principal.ts';
import { publishOutbox } from '../../../shared/events/use-cases/publish-outbox.ts';
import { addStage, addStageFeedback, applyStageAction, dropPublished } from '../../../shared/stages/domain/application.ts';
import { appendToTimeline } from '../../../shared/timeline/use-cases/append-to-timeline.ts';
import { readTimeline } from '../../../shared/timeline/use-cases/read-timeline.ts';
import { GENESIS_HASH, hashOf, type TimelineEntry } from '../../../shared/timeline/domain/timeline-entry.ts';
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

  const deps = () => ({ applications: fx().applications, timeline: fx().timeline.store, signer: testChainSigner });

  /** app-1: visible assignment (created, submitted), hidden assignment (created), feedback on the visible one = 4 events. */
  async function publishedApplication(): Promise<void> {
    await fx().seed('app-1', { submitted: true });
    await fx().mutate('app-1', (document) => addStage(document, { type: 'assignment', visibleToCandidate: false, data: { instructions: 'internal' } }, recruiter, fx().clock.now(), 'hidden-st').application);
    await fx().mutate('app-1', (document) =>
      addStageFeedback(document, 'app-1-st-1', { rating: 4, recommendation: 'yes', notes: 'Solid work' }, { role: 'recruiter', id: 'rec-1' }, fx().clock.now(), 'fb-1').application,
    );
    const stored = await fx().applications.get('acme', 'app-1');
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
      { id: 'app-1:c1', seq: 1, recordedAt: expect.any(String), event: expect.objectContaining({ kind: 'stage.created', stageId: 'app-1-st-1', actor: { role: 'recruiter' } }) },
      { id: 'app-1:c2', seq: 2, recordedAt: expect.any(String), event: expect.objectContaining({ kind: 'stage.transitioned', action: 'submit', actor: candidate }) },
    ]);
    expect(JSON.stringify(page)).not.toMatch(/hash|rec-1|hidden-st|fb-1/);

    // After the hidden-stage and feedback events (seq 3, 4), the next visible one (seq 5) is the candidate's third: no gap shows.
    const passed = await fx().mutate('app-1', (document) => applyStageAction(document, 'app-1-st-1', 'pass', recruiter, fx().clock.now()).application);
    await publishOutbox(fx().deps(), passed.document);
    const renumbered = await readTimeline(deps(), theCandidate, 'app-1', { limit: 2 });
    expect(renumbered.items.map((entry) => [entry.id, entry.seq])).toEqual([['app-1:c1', 1], ['app-1:c2', 2]]);
    const rest = await readTimeline(deps(), theCandidate, 'app-1', { limit: 2, continuationToken: renumbered.continuationToken! });
    expect(rest.items.map((entry) => [entry.id, entry.seq, entry.event.action])).toEqual([['app-1:c3', 3, 'pass']]);
    const staffView = await readTimeline(deps(), staff, 'app-1', {});
    expect(staffView.items.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5]);

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
    expect(await verifyTimeline(deps(), verifier({ ...staffPrincipal, roles: ['interviewer'] }), 'app-1')).toEqual({ valid: true, anchored: true, entries: 4 });
  });

  it('verify reports the seq of an entry changed in the container, and a missing end', async () => {
    await publishedApplication();
    expect(await verifyTimeline(deps(), verifier(staffPrincipal), 'app-1')).toEqual({ valid: true, anchored: true, entries: 4 });
    const container = fx().cosmos.container('timeline');
    const { resource } = await container.item('acme:app-1:3', ['acme', 'app-1']).read<Record<string, unknown> & { event: Record<string, unknown> }>();
    await container.item('acme:app-1:3', ['acme', 'app-1']).replace({ ...resource!, event: { ...resource!.event, visibleToCandidate: true } });
    expect(await verifyTimeline(deps(), verifier(staffPrincipal), 'app-1')).toEqual({ valid: false, anchored: false, entries: 4, firstBrokenSeq: 3 });

    await container.item('acme:app-1:3', ['acme', 'app-1']).replace(resource!);
    expect(await verifyTimeline(deps(), verifier(staffPrincipal), 'app-1')).toEqual({ valid: true, anchored: true, entries: 4 });
    // A missing entry in the middle breaks the chain at its seq.
    const { resource: second } = await container.item('acme:app-1:2', ['acme', 'app-1']).read<TimelineEntry>();
    await container.item('acme:app-1:2', ['acme', 'app-1']).delete();
    expect(await verifyTimeline(deps(), verifier(staffPrincipal), 'app-1')).toEqual({ valid: false, anchored: false, entries: 3, firstBrokenSeq: 2 });
    await container.items.create(second!);

    // The last entry gone while its event is still in the outbox reads as not yet published.
    await container.item('acme:app-1:4', ['acme', 'app-1']).delete();
    expect(await verifyTimeline(deps(), verifier(staffPrincipal), 'app-1')).toEqual({ valid: true, anchored: true, entries: 3, unpublished: 1 });
    // Once the outbox has dropped it (the events left), the same gap is a cut end.
    const stored = (await fx().applications.get('acme', 'app-1'))!;
    await fx().applications.replace(dropPublished(stored.document, 4), stored.etag);
    expect(await verifyTimeline(deps(), verifier(staffPrincipal), 'app-1')).toEqual({ valid: false, anchored: false, entries: 3, firstBrokenSeq: 4 });
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
    for await (const entry of fx().timeline.store.all('acme', 'app-2')) entries.push(entry);
    expect(entries.map((entry) => entry.id)).toEqual(['acme:app-2:1', 'acme:app-2:2', 'acme:app-2:3']);
    expect(entries[2]!.prevHash).toBe(entries[1]!.hash);
    expect(entries[1]!.prevHash).toBe(entries[0]!.hash);
  });

  it('appends a committed event without reading its predecessor, and refuses an event without a chain link', async () => {
    const stored = await fx().seed('app-3', { submitted: true });
    const unlinked = stored.document.outbox.slice(1).map(({ chain: _chain, ...event }) => event);
    await expect(appendToTimeline(fx().timeline.store, unlinked, fx().clock.now())).rejects.toThrow(/carries no chain link/);
    expect(await fx().timeline.store.get('acme', 'app-3', 2)).toBeUndefined();
    expect(await appendToTimeline(fx().timeline.store, stored.document.outbox.slice(1), fx().clock.now())).toEqual({ appended: 1, alreadyPresent: 0 });
    expect((await fx().timeline.store.get('acme', 'app-3', 2))?.prevHash).toBe(stored.document.outbox[0]!.chain!.hash);
  });

  it('verify catches a chain rewritten whole in the database (re-hashed, re-signed with another key), a forged head and a cut end', async () => {
    await publishedApplication();
    const container = fx().cosmos.container('timeline');
    const originals = (await container.items.query<TimelineEntry & { _etag: string }>({ query: 'SELECT * FROM c WHERE c.applicationId = @a ORDER BY c.seq', parameters: [{ name: '@a', value: 'app-1' }] }).fetchAll()).resources;
    let prevHash = GENESIS_HASH;
    for (const entry of originals) {
      const event = entry.seq === 1 ? { ...entry.event, actor: { role: 'recruiter' as const, id: 'mallory' } } : entry.event;
      const hash = hashOf({ event, prevHash });
      await container.item(entry.id, ['acme', 'app-1']).replace({ ...entry, event, prevHash, hash, ...foreignChainSigner.sign('app-1', entry.seq, hash) });
      prevHash = hash;
    }
    expect(await verifyTimeline(deps(), verifier(staffPrincipal), 'app-1')).toEqual({ valid: false, anchored: false, entries: 4, firstBrokenSeq: 1 });

    // The entries restored, the head in the application document forged: no longer anchored.
    for (const entry of originals) await container.item(entry.id, ['acme', 'app-1']).replace(entry);
    expect(await verifyTimeline(deps(), verifier(staffPrincipal), 'app-1')).toEqual({ valid: true, anchored: true, entries: 4 });
    const applications = fx().cosmos.container('applications');
    const { resource: application } = await applications.item('app-1', ['acme', 'app-1']).read();
    await applications.item('app-1', ['acme', 'app-1']).replace({ ...application, chainHead: { ...application!['chainHead'], ...foreignChainSigner.sign('app-1', 4, application!['chainHead'].hash) } });
    expect(await verifyTimeline(deps(), verifier(staffPrincipal), 'app-1')).toMatchObject({ valid: false, anchored: false });

    // The last entries deleted and the aggregate's counters wound back with them: the signed head no longer fits.
    await applications.item('app-1', ['acme', 'app-1']).replace({ ...application, eventSeq: 3 });
    await container.item('acme:app-1:4', ['acme', 'app-1']).delete();
    expect(await verifyTimeline(deps(), verifier(staffPrincipal), 'app-1')).toMatchObject({ valid: false, anchored: false, entries: 3 });
  });
});
