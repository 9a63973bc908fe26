import type { Access } from '../../auth/domain/permissions.ts';
import type { ApplicationDocument } from '../domain/application.schema.ts';
import type { StageAction } from '../domain/stage-action.schema.ts';
import type { StageResponse } from './application-views.schema.ts';
import type { CreateStageRequest } from './create-stage-request.schema.ts';

/**
 * What other capabilities (scheduling, documents, notifications) may ask of the stages: the
 * published side of the stage use cases. The composition root passes the stage module's
 * implementation; a capability never imports `stages/use-cases/`.
 */
export interface StageCommands {
  /** An action the calling capability owns (lifecycle `owner`), after its own checks; the same lifecycle rules and mutation path. */
  applyOwnedAction(access: Access, applicationId: string, stageId: string, action: StageAction, payload: unknown): Promise<StageResponse>;
  /** Adds a stage through the one mutation path (documents named by id are resolved as on the route). */
  createStage(access: Access, applicationId: string, request: CreateStageRequest): Promise<StageResponse>;
  /**
   * The one mutation path with a pure change of the caller's making (from the stage domain's
   * functions): gate → read → change → conditional replace with its outbox events.
   */
  mutate<R extends { readonly application: ApplicationDocument }>(access: Access, applicationId: string, change: (application: ApplicationDocument, now: string) => R): Promise<R>;
  /** The stored application if the caller may see it (`APPLICATION.NOT_FOUND` otherwise); no flag, no view. */
  visibleApplication(access: Access, applicationId: string): Promise<ApplicationDocument>;
  /**
   * Throws as the mutation path would (`FEATURE.DISABLED`, `FEATURE.UNAVAILABLE`) unless stage
   * mutations are enabled now: for a capability about to start something that ends in one.
   */
  assertMutationsEnabled(): Promise<void>;
}
