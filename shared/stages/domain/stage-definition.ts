import type { ActionableBy, ActorRef, ActorRole } from '../../auth/domain/actor.ts';
import type { ActionPayloads, StageAction } from './stage-action.schema.ts';
import type { Stage } from './stage.model.ts';
import type { FieldIssue } from '../../platform/validation.ts';

/** What an action's effect may know besides the stage and its payload. */
export interface ActionContext {
  readonly actor: ActorRef;
  readonly now: string;
}

/** Capabilities that own some actions: they apply them after their own checks (a held slot, a verified upload). */
export const actionOwners = ['scheduling', 'documents'] as const;
export type ActionOwner = (typeof actionOwners)[number];

/**
 * One row of a lifecycle table: the action is allowed from `from`, by `roles` (admin counts as
 * recruiter), moves the stage to `to` (absent: status unchanged) and rewrites `data` through
 * `apply`. `guard` refuses on the stage's data (a refusal is a `STAGE.TRANSITION_NOT_ALLOWED`);
 * `check` rejects the payload against the stage (a `REQUEST.INVALID`). An `owner` capability
 * applies the action itself; the generic action route refuses it.
 */
export interface ActionRule<S extends Stage, A extends StageAction> {
  readonly owner?: ActionOwner;
  readonly from: readonly S['status'][];
  readonly to?: S['status'];
  readonly roles: readonly ActorRole[];
  /** Returns a refusal reason code, or undefined to allow. Without `now`, time conditions pass. */
  guard?(stage: S, now: string | undefined): string | undefined;
  check?(stage: S, payload: ActionPayloads[A]): FieldIssue | undefined;
  apply?(stage: S, payload: ActionPayloads[A], context: ActionContext): S['data'];
}

export type ActionTable<S extends Stage> = { readonly [A in StageAction]?: ActionRule<S, A> };

/** Everything the lifecycle engine knows about one stage type. */
export interface StageDefinition<S extends Stage> {
  readonly type: S['type'];
  readonly defaultTitle: string;
  readonly statuses: readonly S['status'][];
  /** Status a new stage of this type starts in. */
  readonly initialStatus: S['status'];
  /** Which side has the next move in each status. */
  readonly actionableBy: { readonly [K in S['status']]: ActionableBy };
  readonly actions: ActionTable<S>;
  /** Statuses in which feedback (scorecards) may be submitted; empty = never. */
  readonly feedbackStatuses: readonly S['status'][];
  /** Interviewers assigned to the stage; when empty, any interviewer may give feedback. */
  assignedInterviewers(stage: S): readonly string[];
}
