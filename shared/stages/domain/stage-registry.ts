import { assignmentDefinition } from './types/assignment.lifecycle.ts';
import { disqualifiedDefinition } from './types/disqualified.lifecycle.ts';
import { liveInterviewDefinition } from './types/live-interview.lifecycle.ts';
import { offerAcceptedDefinition } from './types/offer-accepted.lifecycle.ts';
import { offerDefinition } from './types/offer.lifecycle.ts';
import type { ActionOwner, StageDefinition } from './stage-definition.ts';
import type { StageAction } from './stage-action.schema.ts';
import type { Stage, StageOf, StageType } from './stage.model.ts';

export const stageDefinitions: { readonly [T in StageType]: StageDefinition<StageOf<T>> } = {
  live_interview: liveInterviewDefinition,
  assignment: assignmentDefinition,
  offer: offerDefinition,
  offer_accepted: offerAcceptedDefinition,
  disqualified: disqualifiedDefinition,
};

/**
 * The definition for a stage type, widened for the generic engine. Sound because the engine only
 * ever calls a definition with stages of its own type and payloads parsed by the action's schema.
 */
export function definitionOf(type: StageType): StageDefinition<Stage> {
  return stageDefinitions[type] as unknown as StageDefinition<Stage>;
}

/**
 * The capability that owns `action`, if one does. Action names mean one thing across types, so
 * ownership is a property of the name: the generic action route refuses owned actions before it
 * reads anything.
 */
export function ownerOfAction(action: StageAction): ActionOwner | undefined {
  for (const type of Object.keys(stageDefinitions) as StageType[]) {
    const owner = definitionOf(type).actions[action]?.owner;
    if (owner !== undefined) return owner;
  }
  return undefined;
}
