import type { Access } from '../../auth/domain/permissions.ts';
import { DomainError } from '../../platform/errors.ts';
import { stageViewFor } from '../api/application-views.ts';
import type { StageResponse } from '../api/application-views.schema.ts';
import { routeForOwnedAction } from '../api/owned-actions.ts';
import { assertApplicationIdShape } from '../domain/application-access.ts';
import { applyStageAction as applyToAggregate } from '../domain/application.ts';
import { onStoredStages } from '../domain/read-model.ts';
import { isStageAction, type StageAction } from '../domain/stage-action.schema.ts';
import { ownerOfAction } from '../domain/stage-registry.ts';
import type { StageDeps } from './stage-deps.ts';

/**
 * An action from the generic action route. Actions a capability owns (a slot booking, a verified
 * upload) are refused here with `STAGE.ACTION_NOT_DIRECT`, naming the route to use, before
 * anything is read; everything else goes through the lifecycle table and the one mutation path.
 */
export async function applyStageAction(deps: StageDeps, access: Access, applicationId: string, stageId: string, action: string, payload: unknown): Promise<StageResponse> {
  if (isStageAction(action)) refuseOwned(action);
  return applyAction(deps, access, applicationId, stageId, action, payload);
}

/**
 * An action a capability owns, applied after that capability's own checks (the payload comes from
 * it, not from a client). Same lifecycle rules, same mutation path.
 */
export async function applyOwnedAction(deps: StageDeps, access: Access, applicationId: string, stageId: string, action: StageAction, payload: unknown): Promise<StageResponse> {
  return applyAction(deps, access, applicationId, stageId, action, payload);
}

async function applyAction(deps: StageDeps, access: Access, applicationId: string, stageId: string, action: string, payload: unknown): Promise<StageResponse> {
  assertApplicationIdShape(applicationId);
  const result = await deps.mutator.mutate(access, applicationId, (application, now) =>
    onStoredStages(application, deps.legacy.stagesOf, (target) => applyToAggregate(target, stageId, action, access.actor, now, payload)),
  );
  return { applicationId, model: 'stages', stage: stageViewFor(result.application, result.stage, access.actor, deps.clock.now()) };
}

function refuseOwned(action: StageAction): void {
  const owner = ownerOfAction(action);
  if (owner === undefined) return;
  throw new DomainError('STAGE.ACTION_NOT_DIRECT', {
    message: `'${action}' is taken through the ${owner} capability: ${routeForOwnedAction(action)}.`,
    details: { action, owner, use: routeForOwnedAction(action) },
  });
}
