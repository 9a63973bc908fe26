import { LocalBroker } from '../../../local/broker/local-broker.ts';
import { LocalBrokerMessageBus } from '../../../local/broker/local-message-bus.adapter.ts';
import type { BrokerMessage } from '../../../local/broker/broker-types.ts';
import { createEventsModule, type EventsModule } from '../../../shared/events/events.module.ts';
import { createTimelineModule, type TimelineModule } from '../../../shared/timeline/timeline.module.ts';
import type { SweepDeps } from '../../../shared/events/use-cases/sweep-stranded-outboxes.ts';
import type { Clock } from '../../../shared/platform/clock.ts';
import { queues, topics } from '../../../shared/platform/messaging-entities.ts';
import { addStage, applyStageAction, newApplication } from '../../../shared/stages/domain/application.ts';
import type { ApplicationDocument } from '../../../shared/stages/domain/application.schema.ts';
import type { ActorRef } from '../../../shared/auth/domain/actor.ts';
import type { StoredApplication } from '../../../shared/stages/ports/application-repository.port.ts';
import { CosmosApplicationRepository } from '../../../shared/stages/adapters/cosmos-application-repository.adapter.ts';
import { startLocalCosmos, tempDirectory, type LocalCosmos, type TempDirectory } from '../../local/cosmos-support/cosmos-fixtures.ts';
import { useResource } from '../../support/use-resource.ts';
import { testChainSigner } from '../../support/test-chain-signer.ts';
import { signChain } from '../../../shared/stages/use-cases/sign-chain.ts';

export const TOPIC_SUBSCRIPTIONS = ['stage-events/Subscriptions/ats-sync', 'stage-events/Subscriptions/post-transition-callbacks'] as const;
export const recruiter: ActorRef = { role: 'recruiter', id: 'rec-1' };
export const candidate: ActorRef = { role: 'candidate', id: 'cand-1' };
export const submission = { submission: { documentId: 'doc-1', fileName: 'answer.pdf', contentType: 'application/pdf', size: 1200 } };

/** A clock the test sets; starts at 2025-03-03T09:00Z. */
export function testClock(start = '2025-03-03T09:00:00.000Z'): Clock & { set(iso: string): void; advance(ms: number): void } {
  let now = Date.parse(start);
  return {
    now: () => new Date(now).toISOString(),
    set: (iso) => void (now = Date.parse(iso)),
    advance: (ms) => void (now += ms),
  };
}

export interface EventFixture {
  readonly temp: TempDirectory;
  readonly cosmos: LocalCosmos;
  readonly broker: LocalBroker;
  readonly bus: LocalBrokerMessageBus;
  readonly applications: CosmosApplicationRepository;
  readonly events: EventsModule;
  readonly timeline: TimelineModule;
  readonly clock: ReturnType<typeof testClock>;
  /** What the publisher and the sweeper need, wired to this fixture (any part replaceable). */
  deps(overrides?: Partial<SweepDeps>): SweepDeps;
  /** Stores a new application with an assignment stage (1 event), optionally submitted (2 events). */
  seed(applicationId: string, options?: { submitted?: boolean; tenantId?: string; visibleToCandidate?: boolean }): Promise<StoredApplication>;
  /** One more committed mutation on the stored document (a conditional replace, like the stage service). */
  mutate(applicationId: string, change: (document: ApplicationDocument) => ApplicationDocument, tenantId?: string): Promise<StoredApplication>;
  /** Every message on a path, without locking it. */
  peekAll(path: string): Promise<BrokerMessage[]>;
  stop(): Promise<void>;
}

/** The embedded Cosmos DB server with the project's containers and a memory broker with the project's entities. */
export async function startEventFixture(): Promise<EventFixture> {
  const temp = tempDirectory();
  const cosmos = await startLocalCosmos(temp.dir);
  const broker = await LocalBroker.open({ queues, topics });
  const bus = new LocalBrokerMessageBus(broker);
  const applications = new CosmosApplicationRepository({ database: cosmos.database });
  const clock = testClock();
  const timeline = createTimelineModule(cosmos.database, testChainSigner);
  const events = createEventsModule(cosmos.database, clock, { applications, timeline: timeline.appender });
  const fixture: EventFixture = {
    temp,
    cosmos,
    broker,
    bus,
    applications,
    events,
    timeline,
    clock,
    deps: (overrides = {}) => ({ applications, bus, timeline: events.timeline, stranded: events.stranded, clock, ...overrides }),
    async seed(applicationId, options = {}) {
      const now = clock.now();
      let document = newApplication(
        { id: applicationId, tenantId: options.tenantId ?? 'acme', jobId: 'job-1', candidateId: candidate.id, recruiterIds: [recruiter.id] },
        now,
      );
      document = addStage(document, { type: 'assignment', visibleToCandidate: options.visibleToCandidate ?? true, data: { instructions: 'Build it' } }, recruiter, now, `${applicationId}-st-1`).application;
      if (options.submitted) document = applyStageAction(document, `${applicationId}-st-1`, 'submit', candidate, now, submission).application;
      return applications.create(signChain(document, 0, testChainSigner));
    },
    async mutate(applicationId, change, tenantId = 'acme') {
      const stored = await applications.get(tenantId, applicationId);
      if (!stored) throw new Error(`no application ${applicationId}`);
      const result = await applications.replace(signChain(change(stored.document), stored.document.eventSeq, testChainSigner), stored.etag);
      if (result === 'conflict') throw new Error('unexpected conflict in the test');
      return result;
    },
    async peekAll(path) {
      return broker.peek(path, 10_000);
    },
    async stop() {
      await broker.close();
      await cosmos.stop();
      temp.remove();
    },
  };
  return fixture;
}

/**
 * A fresh event fixture for each test of the enclosing `describe`: started before each test,
 * stopped after it. Returns the current one. An `afterEach` registered after this call runs
 * before the fixture stops (vitest runs `afterEach` hooks in reverse order).
 */
export function useEventFixture(): () => EventFixture {
  return useResource('each', startEventFixture, (fixture) => fixture.stop());
}
