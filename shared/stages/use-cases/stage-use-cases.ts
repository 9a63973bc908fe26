import { randomUUID } from 'node:crypto';
import type { Principal } from '../../auth/domain/principal.ts';
import { DYNAMIC_STAGES_FLAG, type FeatureGate } from '../../flags/ports/feature-gate.port.ts';
import type { Clock } from '../../platform/clock.ts';
import { DomainError } from '../../platform/errors.ts';
import type { ApplicationDocument } from '../domain/application.schema.ts';
import { addStage, addStageFeedback, applyStageAction, findStage, newApplication } from '../domain/application.ts';
import type { ApplicationRepository } from '../ports/application-repository.port.ts';
import type { ApplicationBoard } from '../ports/application-board.port.ts';
import { ApplicationMutator } from './application-mutator.ts';
import type { CreateApplicationBody, ListApplicationsQuery } from '../api/application-requests.schema.ts';
import { applicationIdSchema } from '../api/application-requests.schema.ts';
import type { ApplicationPageView, ApplicationView, FeedbackResponse, StageResponse } from '../api/application-views.schema.ts';
import { applicationViewFor, staffApplicationView, stageViewFor } from '../domain/staff-view.ts';
import type { CreateStageBody } from '../domain/create-stage.schema.ts';
import type { FeedbackInput } from '../domain/feedback.schema.ts';
import { applicationIn, readModelOf } from '../domain/read-model.ts';
import { actorFor, assertCanSee } from '../../auth/domain/permissions.ts';

export interface StageServiceOptions {
  readonly repository: ApplicationRepository & ApplicationBoard;
  readonly flags: FeatureGate;
  readonly clock: Clock;
  readonly mutator?: ApplicationMutator;
  /** New application, stage and feedback ids (random UUIDs by default). */
  readonly newId?: () => string;
}

/**
 * The stage use cases. Reads take one point read (the board one query); every mutation goes
 * through `ApplicationMutator.mutate` (gate → read → pure change → conditional replace).
 * Authorisation: the principal's roles decide which operations it may call (`stage-access.ts`);
 * tenant and candidate scoping make everything else `APPLICATION.NOT_FOUND`.
 */
export class StageService {
  readonly #repository: ApplicationRepository & ApplicationBoard;
  readonly #flags: FeatureGate;
  readonly #clock: Clock;
  readonly #newId: () => string;
  readonly mutator: ApplicationMutator;

  constructor(options: StageServiceOptions) {
    this.#repository = options.repository;
    this.#flags = options.flags;
    this.#clock = options.clock;
    this.#newId = options.newId ?? randomUUID;
    this.mutator = options.mutator ?? new ApplicationMutator(options);
  }

  /**
   * A new application in the caller's tenant. With `legacyStatus` it is an import from the legacy
   * pipeline and works while dynamic stages are disabled; otherwise the feature gate applies.
   */
  async createApplication(principal: Principal, body: CreateApplicationBody): Promise<ApplicationView> {
    const actor = actorFor(principal, 'createApplication');
    if (body.legacyStatus === undefined) await this.mutator.assertEnabled();
    const now = this.#clock.now();
    const document = newApplication(
      {
        id: body.id ?? this.#newId(),
        tenantId: principal.tenantId,
        jobId: body.jobId,
        candidateId: body.candidateId,
        recruiterIds: body.recruiterIds ?? (actor.role === 'recruiter' ? [actor.id] : []),
        ...(body.legacyStatus === undefined ? {} : { legacyStatus: body.legacyStatus }),
        ...(body.legacyScheduledCallId === undefined ? {} : { legacyScheduledCallId: body.legacyScheduledCallId }),
      },
      now,
    );
    const created = await this.#repository.create(document);
    const flag = await this.#flags.state(DYNAMIC_STAGES_FLAG);
    return applicationViewFor(created.document, readModelOf(created.document, flag), actor, now);
  }

  /** The board: the tenant's applications, newest first, filtered and paginated. */
  async listApplications(principal: Principal, query: ListApplicationsQuery): Promise<ApplicationPageView> {
    const actor = actorFor(principal, 'listApplications');
    const flag = await this.#flags.state(DYNAMIC_STAGES_FLAG);
    const page = await this.#repository.board(
      {
        tenantId: principal.tenantId,
        limit: query.limit,
        ...(query.jobId === undefined ? {} : { jobId: query.jobId }),
        ...(query.stageType === undefined ? {} : { stageType: query.stageType }),
        ...(query.stageStatus === undefined ? {} : { stageStatus: query.stageStatus }),
        ...(query.continuationToken === undefined ? {} : { continuationToken: query.continuationToken }),
      },
      flag.status === 'on' ? 'stages' : 'legacy',
    );
    const now = this.#clock.now();
    return {
      items: page.items.map(({ document }) => staffApplicationView(document, readModelOf(document, flag), actor, now)),
      ...(page.continuationToken === undefined ? {} : { continuationToken: page.continuationToken }),
    };
  }

  async getApplication(principal: Principal, applicationId: string): Promise<ApplicationView> {
    const actor = actorFor(principal, 'readApplication');
    const { document, flag } = await this.#read(principal, actor, applicationId);
    return applicationViewFor(document, readModelOf(document, flag), actor, this.#clock.now());
  }

  async getStage(principal: Principal, applicationId: string, stageId: string): Promise<StageResponse> {
    const actor = actorFor(principal, 'readApplication');
    const { document, flag } = await this.#read(principal, actor, applicationId);
    const model = readModelOf(document, flag);
    const application = applicationIn(document, model);
    const stage = findStage(application, stageId, actor);
    return { applicationId, model, stage: stageViewFor(application, stage, actor, this.#clock.now()) };
  }

  async createStage(principal: Principal, applicationId: string, body: CreateStageBody): Promise<StageResponse> {
    const actor = actorFor(principal, 'createStage');
    assertIdShape(applicationId);
    const stageId = this.#newId();
    const result = await this.mutator.mutate({ tenantId: principal.tenantId, actor }, applicationId, (application, now) =>
      addStage(application, body, actor, now, stageId),
    );
    return { applicationId, model: 'stages', stage: stageViewFor(result.application, result.stage, actor, this.#clock.now()) };
  }

  async applyAction(principal: Principal, applicationId: string, stageId: string, action: string, payload: unknown): Promise<StageResponse> {
    const actor = actorFor(principal, 'applyAction');
    assertIdShape(applicationId);
    const result = await this.mutator.mutate({ tenantId: principal.tenantId, actor }, applicationId, (application, now) =>
      onStoredStages(application, (target) => applyStageAction(target, stageId, action, actor, now, payload)),
    );
    return { applicationId, model: 'stages', stage: stageViewFor(result.application, result.stage, actor, this.#clock.now()) };
  }

  async submitFeedback(principal: Principal, applicationId: string, stageId: string, body: FeedbackInput): Promise<FeedbackResponse> {
    const actor = actorFor(principal, 'submitFeedback');
    assertIdShape(applicationId);
    const feedbackId = this.#newId();
    const result = await this.mutator.mutate({ tenantId: principal.tenantId, actor }, applicationId, (application, now) =>
      onStoredStages(application, (target) => addStageFeedback(target, stageId, body, actor, now, feedbackId)),
    );
    return { applicationId, stageId, feedback: result.feedback };
  }

  async #read(principal: Principal, actor: ReturnType<typeof actorFor>, applicationId: string) {
    assertIdShape(applicationId);
    const [stored, flag] = await Promise.all([this.#repository.get(applicationId), this.#flags.state(DYNAMIC_STAGES_FLAG)]);
    if (stored === undefined) throw new DomainError('APPLICATION.NOT_FOUND', { details: { applicationId } });
    assertCanSee(stored.document, principal.tenantId, actor);
    return { document: stored.document, flag };
  }
}

/** An id this API could never have stored is not found, without a read. */
function assertIdShape(applicationId: string): void {
  if (!applicationIdSchema.safeParse(applicationId).success) {
    throw new DomainError('APPLICATION.NOT_FOUND', { details: { applicationId } });
  }
}

/**
 * Applies a stage change to the stored stages. An imported application without stored stages
 * is read through the legacy transformation, so its (read-only) legacy stages are what a caller
 * sees and names: the change runs against them, and the lifecycle refuses it (`read_only`).
 * Legacy stages are never written back.
 */
function onStoredStages<R extends { readonly application: ApplicationDocument }>(application: ApplicationDocument, change: (target: ApplicationDocument) => R): R {
  if (application.stages.length > 0 || application.legacyStatus === undefined) return change(application);
  change(applicationIn(application, 'legacy'));
  throw new Error('A change to a read-only legacy stage was not refused.');
}
