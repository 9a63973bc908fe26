import type { ActorRef } from '../../auth/domain/actor.ts';
import type { ApplicationDocument } from '../domain/application.schema.ts';
import { isClosed } from '../domain/application.ts';
import { candidateApplicationView, candidateStageView } from '../domain/candidate-view.ts';
import { applicationIn, type LegacyTransform, type ReadModel } from '../domain/read-model.ts';
import { allowedActions } from '../domain/stage-lifecycle.ts';
import type { Stage } from '../domain/stage.model.ts';
import type { ApplicationView, StaffApplicationView, StaffStageView } from './application-views.schema.ts';

/** A stage as staff see it, with what the actor may do on it now. */
export function staffStageView(stage: Stage, actor: ActorRef, now: string): StaffStageView {
  return { ...stage, allowedActions: allowedActions(stage, actor.role, now) } as StaffStageView;
}

/** A stage in the actor's view: candidates get `candidateStageView`, staff everything. */
export function stageViewFor(application: ApplicationDocument, stage: Stage, actor: ActorRef, now: string) {
  return actor.role === 'candidate' ? candidateStageView(stage, now, !isClosed(application)) : staffStageView(stage, actor, now);
}

export function staffApplicationView(stored: ApplicationDocument, model: ReadModel, actor: ActorRef, now: string, legacy: LegacyTransform): StaffApplicationView {
  const application = applicationIn(stored, model, legacy);
  const { outbox: _outbox, eventSeq: _seq, stages, ...fields } = application;
  return {
    view: 'staff',
    model,
    ...fields,
    stages: [...stages].sort((a, b) => a.order - b.order).map((stage) => staffStageView(stage, actor, now)),
  };
}

/** The application in the actor's view and read model. */
export function applicationViewFor(stored: ApplicationDocument, model: ReadModel, actor: ActorRef, now: string, legacy: LegacyTransform): ApplicationView {
  if (actor.role !== 'candidate') return staffApplicationView(stored, model, actor, now, legacy);
  return { view: 'candidate', model, ...candidateApplicationView(applicationIn(stored, model, legacy), now) } as ApplicationView;
}
