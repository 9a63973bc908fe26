import { randomUUID } from 'node:crypto';
import type { Database } from '@azure/cosmos';
import type { Access } from '../auth/domain/permissions.ts';
import type { FeatureGate } from '../flags/ports/feature-gate.port.ts';
import type { Clock } from '../platform/clock.ts';
import { CosmosRequestMeter } from '../platform/cosmos/cosmos-request-meter.ts';
import type { IdempotencyStore } from '../platform/idempotency/idempotency.ts';
import { DomainError } from '../platform/errors.ts';
import { CosmosIdempotencyStore } from '../platform/idempotency/cosmos-idempotency-store.adapter.ts';
import type { BatchBody, CreateApplicationBody, ListApplicationsQuery } from './api/application-requests.schema.ts';
import type { ApplicationPageView, ApplicationView, BatchResult, FeedbackResponse, StageResponse } from './api/application-views.schema.ts';
import type { CreateStageRequest } from './api/create-stage-request.schema.ts';
import type { StageCommands } from './api/stage-commands.ts';
import { visibleApplication } from './domain/application-access.ts';
import { CosmosApplicationRepository } from './adapters/cosmos-application-repository.adapter.ts';
import type { FeedbackInput } from './domain/feedback.schema.ts';
import type { ApplicationRepository } from './ports/application-repository.port.ts';
import type { ChainSigner } from './ports/chain-signer.port.ts';
import type { PublishedEvents } from './ports/published-events.port.ts';
import type { LegacyStages } from './ports/legacy-stages.port.ts';
import type { DocumentLinks } from './ports/document-links.port.ts';
import type { VerifiedDocuments } from './ports/verified-documents.port.ts';
import type { InterviewBooking } from './ports/interview-booking.port.ts';
import { ApplicationMutator } from './use-cases/application-mutator.ts';
import { applyOwnedAction, applyStageAction } from './use-cases/apply-stage-action.ts';
import { createApplication } from './use-cases/create-application.ts';
import { createStage } from './use-cases/create-stage.ts';
import { getApplication } from './use-cases/get-application.ts';
import { getStage } from './use-cases/get-stage.ts';
import { listApplications } from './use-cases/list-applications.ts';
import { runBatch, type BatchOptions } from './use-cases/run-batch.ts';
import type { StageDeps } from './use-cases/stage-deps.ts';
import { submitFeedback } from './use-cases/submit-feedback.ts';

/** The stage use cases, bound to their dependencies; every call takes the `Access` that `authorize` gave. */
export interface StageUseCases extends StageCommands {
  createApplication(access: Access, body: CreateApplicationBody): Promise<ApplicationView>;
  listApplications(access: Access, query: ListApplicationsQuery): Promise<ApplicationPageView>;
  getApplication(access: Access, applicationId: string): Promise<ApplicationView>;
  getStage(access: Access, applicationId: string, stageId: string): Promise<StageResponse>;
  createStage(access: Access, applicationId: string, request: CreateStageRequest): Promise<StageResponse>;
  applyAction(access: Access, applicationId: string, stageId: string, action: string, payload: unknown): Promise<StageResponse>;
  submitFeedback(access: Access, applicationId: string, stageId: string, body: FeedbackInput): Promise<FeedbackResponse>;
  runBatch(access: Access, body: BatchBody): Promise<BatchResult>;
  readonly mutator: ApplicationMutator;
}

export function bindStageUseCases(deps: StageDeps, batch: BatchOptions = {}): StageUseCases {
  return {
    createApplication: (access, body) => createApplication(deps, access, body),
    listApplications: (access, query) => listApplications(deps, access, query),
    getApplication: (access, applicationId) => getApplication(deps, access, applicationId),
    getStage: (access, applicationId, stageId) => getStage(deps, access, applicationId, stageId),
    createStage: (access, applicationId, request) => createStage(deps, access, applicationId, request),
    applyAction: (access, applicationId, stageId, action, payload) => applyStageAction(deps, access, applicationId, stageId, action, payload),
    applyOwnedAction: (access, applicationId, stageId, action, payload) => applyOwnedAction(deps, access, applicationId, stageId, action, payload),
    submitFeedback: (access, applicationId, stageId, body) => submitFeedback(deps, access, applicationId, stageId, body),
    runBatch: (access, body) => runBatch(deps, access, body, batch),
    mutator: deps.mutator,
    mutate: (access, applicationId, change) => deps.mutator.mutate(access, applicationId, change),
    visibleApplication: async (access, applicationId) => (await visibleApplication(deps.applications, access, applicationId)).document,
    assertMutationsEnabled: () => deps.mutator.assertEnabled(),
  };
}

/** Until the documents capability answers, no document id resolves (`DOCUMENT.NOT_FOUND`). */
export const noVerifiedDocuments: VerifiedDocuments = { find: async () => undefined };

/** Until the scheduling capability is linked, no slot can be booked on stage creation. */
export const noInterviewBooking: InterviewBooking = {
  createScheduledInterview: async (_access, _applicationId, request) => {
    throw new DomainError('SLOT.NOT_FOUND', { details: { slotId: request.data.slotId } });
  },
};

/** The stage module as the entry points use it. */
export interface StagesModule {
  readonly useCases: StageUseCases;
  /**
   * The `applications` repository for other modules (the outbox publisher): its requests are
   * counted under the `events` scope, apart from the API's own.
   */
  readonly repository: ApplicationRepository;
  readonly idempotency: IdempotencyStore;
  /** Cosmos DB requests sent by the stage module (applications and idempotency containers), and by the event stores under the `events` scope. */
  readonly requests: CosmosRequestMeter;
}

export interface StagesModuleOptions {
  readonly database: Database;
  readonly flags: FeatureGate;
  readonly clock: Clock;
  readonly legacy: LegacyStages;
  readonly signer: ChainSigner;
  /** Which outbox events have left (the timeline): a mutation drops them from the outbox. */
  readonly published: PublishedEvents;
  readonly documents?: VerifiedDocuments;
  /** Read URLs for documents on the stages a read returns (the documents capability). */
  readonly documentLinks?: DocumentLinks;
  readonly interviews?: InterviewBooking;
}

export function createStagesModule(options: StagesModuleOptions): StagesModule {
  const requests = new CosmosRequestMeter();
  const applications = new CosmosApplicationRepository({ database: options.database, meter: requests });
  const deps: StageDeps = {
    applications,
    flags: options.flags,
    clock: options.clock,
    mutator: new ApplicationMutator({ repository: applications, flags: options.flags, clock: options.clock, signer: options.signer, published: options.published }),
    legacy: options.legacy,
    signer: options.signer,
    documents: options.documents ?? noVerifiedDocuments,
    ...(options.documentLinks === undefined ? {} : { documentLinks: options.documentLinks }),
    interviews: options.interviews ?? noInterviewBooking,
    newId: randomUUID,
  };
  return {
    useCases: bindStageUseCases(deps),
    repository: new CosmosApplicationRepository({ database: options.database, meter: requests, meterScope: 'events' }),
    idempotency: new CosmosIdempotencyStore({ database: options.database, meter: requests }),
    requests,
  };
}
