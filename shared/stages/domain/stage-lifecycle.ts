import { DomainError } from '../../platform/errors.ts';
import type { ActionableBy, ActorRef, ActorRole } from '../../auth/domain/actor.ts';
import { roleIsPermitted } from '../../auth/domain/actor.ts';
import type { StageAction } from './stage-action.schema.ts';
import { actionPayloadSchemas, isStageAction, stageActions } from './stage-action.schema.ts';
import type { ActionRule } from './stage-definition.ts';
import { stageEvent } from './stage-event.ts';
import type { StageEvent } from './stage-event.ts';
import type { Stage, StageStatusOf, StageType } from './stage.model.ts';
import { definitionOf } from './stage-registry.ts';
import { invalidRequest, toFieldIssues } from '../../platform/validation.ts';

export interface ActionResult {
  readonly stage: Stage;
  readonly event: StageEvent;
}

/** Who has the next move on a stage of `type` in `status`; a pure function of the two. */
export function deriveActionableBy<T extends StageType>(type: T, status: StageStatusOf<T>): ActionableBy {
  const table = definitionOf(type).actionableBy as Readonly<Record<string, ActionableBy>>;
  const value = table[status];
  if (value === undefined) throw new Error(`Unknown status ${status} for stage type ${type}`);
  return value;
}

function ruleFor(stage: Stage, action: StageAction): ActionRule<Stage, StageAction> | undefined {
  return definitionOf(stage.type).actions[action] as ActionRule<Stage, StageAction> | undefined;
}

function refusal(stage: Stage, action: StageAction, role: ActorRole, now: string | undefined): string | undefined {
  if (stage.readOnly === true) return 'read_only';
  const rule = ruleFor(stage, action);
  if (rule === undefined) return 'unknown_action_for_type';
  if (!roleIsPermitted(rule.roles, role)) return 'role_not_permitted';
  if (!rule.from.includes(stage.status)) return 'not_allowed_in_status';
  return rule.guard?.(stage, now);
}

/**
 * The actions `role` may take on `stage` now, in table order. Pass `now` to apply time conditions
 * (an offer past `expiresAt`); without it they are ignored. Read-only (legacy) stages allow none.
 */
export function allowedActions(stage: Stage, role: ActorRole, now?: string): StageAction[] {
  return stageActions.filter((action) => refusal(stage, action, role, now) === undefined);
}

/** The `STAGE.TRANSITION_NOT_ALLOWED` for `action` on `stage`, naming what `role` may do instead. */
export function transitionNotAllowed(stage: Stage, action: string, role: ActorRole, now: string, reason: string): DomainError {
  return new DomainError('STAGE.TRANSITION_NOT_ALLOWED', {
    message: `Action '${action}' is not allowed on this ${stage.type} stage in status '${stage.status}'.`,
    details: {
      stageId: stage.id,
      stageType: stage.type,
      status: stage.status,
      action,
      reason,
      allowedActions: allowedActions(stage, role, now),
    },
  });
}

/**
 * Throws unless `actor` may take `action` on `stage` now (steps 2–4 of `applyAction`, without a
 * payload): a capability asks this before it hands out something that ends in the action (an
 * upload URL), and before it applies a change of its own making under the action's rules.
 */
export function assertActionAllowed(stage: Stage, action: StageAction, actor: ActorRef, now: string): void {
  const rule = ruleFor(stage, action);
  if (stage.readOnly === true) throw transitionNotAllowed(stage, action, actor.role, now, 'read_only');
  if (rule === undefined) throw transitionNotAllowed(stage, action, actor.role, now, 'unknown_action_for_type');
  if (!roleIsPermitted(rule.roles, actor.role)) {
    throw new DomainError('AUTH.FORBIDDEN', {
      message: `A ${actor.role} may not '${action}' a ${stage.type} stage.`,
      details: { stageId: stage.id, stageType: stage.type, action, role: actor.role },
    });
  }
  const refused = refusal(stage, action, actor.role, now);
  if (refused !== undefined) throw transitionNotAllowed(stage, action, actor.role, now, refused);
}

/**
 * Applies `action` by `actor` to `stage` and returns the next stage with its event. Never mutates
 * its input. Checks, in order:
 * 1. `action` is a known action name — else `REQUEST.INVALID`;
 * 2. the stage type has the action and the stage is not read-only — else `STAGE.TRANSITION_NOT_ALLOWED`;
 * 3. the actor's role may ever take it on this type — else `AUTH.FORBIDDEN`;
 * 4. the current status and data allow it — else `STAGE.TRANSITION_NOT_ALLOWED`;
 * 5. the payload is valid (schema, then against the stage) — else `REQUEST.INVALID`.
 * Every `STAGE.TRANSITION_NOT_ALLOWED` names the actions the actor may take instead.
 */
export function applyAction(stage: Stage, action: string, actor: ActorRef, now: string, payload?: unknown): ActionResult {
  if (!isStageAction(action)) {
    throw new DomainError('REQUEST.INVALID', {
      message: `Unknown action '${action}'.`,
      details: {
        issues: [{ path: 'action', message: `Expected one of: ${stageActions.join(', ')}`, code: 'invalid_value' }],
        allowedActions: allowedActions(stage, actor.role, now),
      },
    });
  }
  assertActionAllowed(stage, action, actor, now);
  const rule = ruleFor(stage, action)!;

  const parsed = actionPayloadSchemas[action].safeParse(payload ?? {});
  if (!parsed.success) throw invalidRequest(toFieldIssues(parsed.error));
  const problem = rule.check?.(stage, parsed.data);
  if (problem !== undefined) throw invalidRequest([problem]);

  const context = { actor, now };
  const data = rule.apply === undefined ? stage.data : rule.apply(stage, parsed.data, context);
  const status = rule.to ?? stage.status;
  const next = {
    ...stage,
    status,
    actionableBy: deriveActionableBy(stage.type, status),
    data,
    updatedAt: now,
  } as Stage;
  const event = stageEvent('stage.transitioned', next, actor, now, { previousStatus: stage.status, action });
  return { stage: next, event };
}
