import { DomainError } from '../../platform/errors.ts';
import type { ActorRef } from '../../auth/domain/actor.ts';
import { roleIsPermitted } from '../../auth/domain/actor.ts';
import type { CreateStageBody, CreateStageInput } from './create-stage.schema.ts';
import { createStageBodySchema } from './create-stage.schema.ts';
import { stageEvent } from './stage-event.ts';
import type { StageEvent } from './stage-event.ts';
import { deriveActionableBy } from './stage-lifecycle.ts';
import type { Stage } from './stage.model.ts';
import { stageDefinitions } from './stage-registry.ts';
import type { FieldIssue } from '../../platform/validation.ts';
import { invalidRequest, parseOrThrow } from '../../platform/validation.ts';

/** Roles that may create stages (admin counts as recruiter). */
export const stageCreatorRoles = ['recruiter'] as const;

export interface CreatedStage {
  readonly stage: Stage;
  readonly event: StageEvent;
}

function mustBeFuture(value: string | undefined, now: string, path: string): FieldIssue[] {
  if (value === undefined || Date.parse(value) > Date.parse(now)) return [];
  return [{ path, message: 'Must be in the future.', code: 'not_in_future' }];
}

function initialData(input: CreateStageInput, actor: ActorRef, now: string): Stage['data'] {
  switch (input.type) {
    case 'offer_accepted':
      return {
        ...input.data,
        onboardingDocuments: input.data.onboardingDocuments.map((doc) => ({ ...doc, addedBy: actor, addedAt: now })),
      };
    default:
      return input.data;
  }
}

/**
 * A new stage from a create body, in its type's initial status, with its `stage.created` event.
 * `AUTH.FORBIDDEN` unless the actor is a recruiter or admin; `REQUEST.INVALID` with field paths
 * for an invalid body or a `dueAt` / `expiresAt` not in the future.
 */
export function createStage(body: CreateStageBody, actor: ActorRef, now: string, id: string, order: number): CreatedStage {
  if (!roleIsPermitted(stageCreatorRoles, actor.role)) {
    throw new DomainError('AUTH.FORBIDDEN', {
      message: `A ${actor.role} may not create stages.`,
      details: { role: actor.role },
    });
  }
  const input = parseOrThrow(createStageBodySchema, body);
  const timing = [
    ...(input.type === 'assignment' ? mustBeFuture(input.data.dueAt, now, 'data.dueAt') : []),
    ...(input.type === 'offer' ? mustBeFuture(input.data.expiresAt, now, 'data.expiresAt') : []),
  ];
  if (timing.length > 0) throw invalidRequest(timing);

  const definition = stageDefinitions[input.type];
  const status = definition.initialStatus;
  const stage = {
    id,
    type: input.type,
    status,
    order,
    title: input.title ?? definition.defaultTitle,
    visibleToCandidate: input.visibleToCandidate,
    actionableBy: deriveActionableBy(input.type, status),
    data: initialData(input, actor, now),
    feedback: [],
    ...(input.internalNotes === undefined ? {} : { internalNotes: input.internalNotes }),
    createdAt: now,
    createdBy: actor,
    updatedAt: now,
  } as Stage;
  return { stage, event: stageEvent('stage.created', stage, actor, now) };
}
