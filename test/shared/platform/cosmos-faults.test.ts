import { afterEach, describe, expect, it } from 'vitest';
import type { CosmosFaultOperation, CosmosFaultStatus } from '../../../local/cosmos/cosmos-faults.ts';
import { CosmosCallbackRunStore } from '../../../shared/events/adapters/cosmos-callback-run-store.adapter.ts';
import { CosmosStageSlaStore } from '../../../shared/events/adapters/cosmos-stage-sla-store.adapter.ts';
import { CosmosStrandedOutboxes } from '../../../shared/events/adapters/cosmos-stranded-outboxes.adapter.ts';
import { signChain } from '../../../shared/stages/use-cases/sign-chain.ts';
import { testChainSigner } from '../../support/test-chain-signer.ts';
import type { StageSlaRecord } from '../../../shared/events/domain/stage-sla.ts';
import { CosmosRequestMeter } from '../../../shared/platform/cosmos/cosmos-request-meter.ts';
import type { ContainerId } from '../../../shared/platform/cosmos-containers.ts';
import { DomainError } from '../../../shared/platform/errors.ts';
import { CosmosIdempotencyStore } from '../../../shared/platform/idempotency/cosmos-idempotency-store.adapter.ts';
import { idempotencyRecordKey } from '../../../shared/platform/idempotency/idempotency.ts';
import { CosmosApplicationRepository } from '../../../shared/stages/adapters/cosmos-application-repository.adapter.ts';
import { addStage, applyStageAction, newApplication } from '../../../shared/stages/domain/application.ts';
import type { ApplicationDocument } from '../../../shared/stages/domain/application.schema.ts';
import { CosmosTimelineStore } from '../../../shared/timeline/adapters/cosmos-timeline-store.adapter.ts';
import { entryOf } from '../../../shared/timeline/domain/timeline-entry.ts';
import { allDocuments, startLocalCosmos, tempDirectory, type LocalCosmos } from '../../local/cosmos-support/cosmos-fixtures.ts';
import { useResource } from '../../support/use-resource.ts';

const NOW = '2025-03-03T09:00:00.000Z';
const recruiter = { role: 'recruiter', id: 'rec-1' } as const;
const candidate = { role: 'candidate', id: 'cand-1' } as const;
const WRITTEN: readonly ContainerId[] = ['applications', 'idempotency', 'timeline', 'stageSla', 'callbackRuns', 'strandedOutboxes'];

/** An application with an assignment stage, submitted: two events in its outbox. */
function application(id: string): ApplicationDocument {
  let document = newApplication({ id, tenantId: 'acme', jobId: 'job-1', candidateId: candidate.id, recruiterIds: [recruiter.id] }, NOW);
  document = addStage(document, { type: 'assignment', visibleToCandidate: true, data: { instructions: 'Build it' } }, recruiter, NOW, `${id}-st-1`).application;
  const submission = { submission: { documentId: 'doc-1', fileName: 'answer.pdf', contentType: 'application/pdf', size: 1200 } };
  return signChain(applyStageAction(document, `${id}-st-1`, 'submit', candidate, NOW, submission).application, 0, testChainSigner);
}

function slaRecord(stageId: string): StageSlaRecord {
  return {
    id: stageId, applicationId: 'app-1', tenantId: 'acme', stageId, stageType: 'assignment', stageStatus: 'awaiting_recruiter',
    observations: [{ seq: 1, at: NOW, stageStatus: 'awaiting_recruiter', actionableBy: 'recruiter' }],
    periods: [], waitedMs: { candidate: 0, recruiter: 0 }, waitingOn: { side: 'recruiter', since: NOW }, updatedAt: NOW,
  };
}

/** Every Cosmos DB adapter on the embedded server, built as the modules build them, with one stored item each. */
async function startWorld() {
  const temp = tempDirectory();
  const cosmos: LocalCosmos = await startLocalCosmos(temp.dir);
  const meter = new CosmosRequestMeter();
  const database = cosmos.database;
  const world = {
    cosmos,
    meter,
    applications: new CosmosApplicationRepository({ database, meter }),
    idempotency: new CosmosIdempotencyStore({ database, meter }),
    timeline: new CosmosTimelineStore({ container: database.container('timeline'), meter }),
    stageSla: new CosmosStageSlaStore({ container: database.container('stageSla'), meter }),
    callbackRuns: new CosmosCallbackRunStore({ container: database.container('callbackRuns'), meter }),
    stranded: new CosmosStrandedOutboxes({ container: database.container('strandedOutboxes'), meter }),
    async stop() {
      await cosmos.stop();
      temp.remove();
    },
  };
  const stored = await world.applications.create(application('app-1'));
  await world.timeline.appendIfAbsent(entryOf(stored.document.outbox[0]!, NOW));
  await world.stageSla.save(slaRecord('app-1-st-1'), undefined);
  await world.stranded.record('acme', 'app-1', 'bus unavailable', NOW);
  await world.callbackRuns.record({ tenantId: 'acme', applicationId: 'app-1', eventId: 'acme:app-1:1', callback: 'stage-sla-watcher', status: 'succeeded', attempt: 1, updatedAt: NOW });
  return world;
}

type World = Awaited<ReturnType<typeof startWorld>>;

interface Case {
  readonly name: string;
  readonly container: ContainerId;
  readonly operation: CosmosFaultOperation;
  /** Runs before the fault is injected; returns the call to make under it. */
  readonly arrange: (world: World) => Promise<() => Promise<unknown>>;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

const now = async <T>(call: () => Promise<T>) => call;
let keys = 0;
/** A fresh idempotency record key (each case runs once per status). */
const freshKey = (name: string) => idempotencyRecordKey('acme', 'rec-1', 'recruiter', `${name}-${(keys += 1)}`);

const cases: readonly Case[] = [
  { name: 'applications get', container: 'applications', operation: 'read', arrange: (w) => now(() => w.applications.get('acme', 'app-1')) },
  { name: 'applications create', container: 'applications', operation: 'create', arrange: (w) => now(() => w.applications.create(application('app-2'))) },
  {
    name: 'applications replace',
    container: 'applications',
    operation: 'replace',
    arrange: async (w) => {
      const stored = (await w.applications.get('acme', 'app-1'))!;
      return () => w.applications.replace({ ...stored.document, updatedAt: '2025-03-04T09:00:00.000Z' }, stored.etag);
    },
  },
  { name: 'applications board', container: 'applications', operation: 'query', arrange: (w) => now(() => w.applications.board({ tenantId: 'acme', limit: 10 }, 'stages')) },
  { name: 'stranded outboxes record (create)', container: 'strandedOutboxes', operation: 'create', arrange: (w) => now(() => w.stranded.record('acme', 'app-2', 'bus unavailable', NOW)) },
  { name: 'stranded outboxes record (read)', container: 'strandedOutboxes', operation: 'read', arrange: (w) => now(() => w.stranded.record('acme', 'app-1', 'bus unavailable', NOW)) },
  { name: 'stranded outboxes list', container: 'strandedOutboxes', operation: 'query', arrange: (w) => now(() => w.stranded.list(10)) },
  {
    name: 'stranded outboxes clear',
    container: 'strandedOutboxes',
    operation: 'delete',
    arrange: async (w) => {
      const [entry] = await w.stranded.list(1);
      return () => w.stranded.clear(entry!);
    },
  },
  { name: 'idempotency begin', container: 'idempotency', operation: 'create', arrange: (w) => now(() => w.idempotency.begin(freshKey('k-begin'), 'f', NOW)) },
  {
    name: 'idempotency complete',
    container: 'idempotency',
    operation: 'replace',
    arrange: async (w) => {
      const recordKey = freshKey('k-complete');
      const begun = await w.idempotency.begin(recordKey, 'f', NOW);
      if (begun.kind !== 'started') throw new Error('expected a lease');
      return () => w.idempotency.complete(recordKey, begun.lease, { status: 201 });
    },
  },
  {
    name: 'idempotency release',
    container: 'idempotency',
    operation: 'delete',
    arrange: async (w) => {
      const recordKey = freshKey('k-release');
      const begun = await w.idempotency.begin(recordKey, 'f', NOW);
      if (begun.kind !== 'started') throw new Error('expected a lease');
      return () => w.idempotency.release(recordKey, begun.lease);
    },
  },
  { name: 'timeline get', container: 'timeline', operation: 'read', arrange: (w) => now(() => w.timeline.get('acme', 'app-1', 1)) },
  {
    name: 'timeline appendIfAbsent',
    container: 'timeline',
    operation: 'create',
    arrange: async (w) => {
      const stored = (await w.applications.get('acme', 'app-1'))!;
      return () => w.timeline.appendIfAbsent(entryOf(stored.document.outbox[1]!, NOW));
    },
  },
  { name: 'timeline page', container: 'timeline', operation: 'query', arrange: (w) => now(() => w.timeline.page('acme', 'app-1', { afterSeq: 0, limit: 10 })) },
  { name: 'timeline all', container: 'timeline', operation: 'query', arrange: (w) => now(() => collect(w.timeline.all('acme', 'app-1'))) },
  { name: 'stage SLA get', container: 'stageSla', operation: 'read', arrange: (w) => now(() => w.stageSla.get('acme', 'app-1', 'app-1-st-1')) },
  { name: 'stage SLA save (create)', container: 'stageSla', operation: 'create', arrange: (w) => now(() => w.stageSla.save(slaRecord('app-1-st-2'), undefined)) },
  {
    name: 'stage SLA save (replace)',
    container: 'stageSla',
    operation: 'replace',
    arrange: async (w) => {
      const stored = (await w.stageSla.get('acme', 'app-1', 'app-1-st-1'))!;
      return () => w.stageSla.save({ ...stored.record, updatedAt: '2025-03-04T09:00:00.000Z' }, stored.etag);
    },
  },
  { name: 'stage SLA forApplication', container: 'stageSla', operation: 'query', arrange: (w) => now(() => w.stageSla.forApplication('acme', 'app-1')) },
  { name: 'callback runs succeeded', container: 'callbackRuns', operation: 'read', arrange: (w) => now(() => w.callbackRuns.succeeded('acme', 'app-1', 'acme:app-1:1', ['stage-sla-watcher', 'other'])) },
  {
    name: 'callback runs record',
    container: 'callbackRuns',
    operation: 'upsert',
    arrange: (w) => now(() => w.callbackRuns.record({ tenantId: 'acme', applicationId: 'app-1', eventId: 'acme:app-1:2', callback: 'stage-sla-watcher', status: 'failing', attempt: 1, updatedAt: NOW })),
  },
  { name: 'callback runs forEvent', container: 'callbackRuns', operation: 'query', arrange: (w) => now(() => w.callbackRuns.forEvent('acme', 'app-1', 'acme:app-1:1')) },
];

/** Every stored item of the containers the adapters write, system properties included (a write changes `_etag`/`_ts`). */
async function everything(world: World): Promise<Record<string, unknown>> {
  const entries = await Promise.all(WRITTEN.map(async (id) => [id, Object.fromEntries(await allDocuments(world.cosmos.container(id)))] as const));
  return Object.fromEntries(entries);
}

describe('every Cosmos DB adapter when Cosmos DB throttles or is unavailable', () => {
  const world = useResource('all', startWorld, (w) => w.stop());
  afterEach(() => world().cosmos.server.faults.clear());

  const statuses: readonly CosmosFaultStatus[] = [429, 503];
  describe.each(statuses)('injected %i', (status) => {
    it.each(cases)('$name answers DEPENDENCY.UNAVAILABLE with retry advice and writes nothing', async ({ container, operation, arrange }) => {
      const act = await arrange(world());
      const before = await everything(world());
      const fault = world().cosmos.server.faults.inject({ status, container, operation, retryAfterMs: 5 });

      const failure = await act().then(
        (value) => ({ resolved: value }),
        (error: unknown) => error,
      );

      world().cosmos.server.faults.clear();
      expect(failure).toBeInstanceOf(DomainError);
      expect(failure).toMatchObject({ code: 'DEPENDENCY.UNAVAILABLE', kind: 'unavailable', retry: { after: 1 } });
      expect(fault.hits).toBeGreaterThan(0);
      expect(await everything(world())).toEqual(before);
    });
  });
});
