import type { ActorRef } from '../../auth/domain/actor.ts';
import type { ApplicationDocument } from '../domain/application.schema.ts';
import { isClosed } from '../domain/application.ts';
import { candidateApplicationView, candidateStageView } from '../domain/candidate-view.ts';
import { applicationIn, type LegacyTransform, type ReadModel } from '../domain/read-model.ts';
import { allowedActions } from '../domain/stage-lifecycle.ts';
import type { Stage } from '../domain/stage.model.ts';
import { isLinkRef, type DocumentRef } from '../domain/document-ref.schema.ts';
import type { AssignmentData } from '../domain/types/assignment.schema.ts';
import type { OfferAcceptedData } from '../domain/types/offer-accepted.schema.ts';
import type { OfferData } from '../domain/types/offer.schema.ts';
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

type DocumentBearing = { readonly type: Stage['type']; readonly data: unknown };

/** Every verified document on the given stage views (artifacts that are links are not documents). */
export function documentsOn(stages: readonly DocumentBearing[]): DocumentRef[] {
  const found: DocumentRef[] = [];
  for (const stage of stages) {
    const data = stage.data as Record<string, unknown>;
    switch (stage.type) {
      case 'assignment': {
        const assignment = data as Partial<AssignmentData>;
        for (const artifact of assignment.artifacts ?? []) if (!isLinkRef(artifact)) found.push(artifact);
        if (assignment.submission) found.push(assignment.submission);
        for (const entry of assignment.submissionHistory ?? []) found.push(entry.submission);
        break;
      }
      case 'offer': {
        const letter = (data as Partial<OfferData>).offerLetter;
        if (letter) found.push(letter);
        break;
      }
      case 'offer_accepted':
        found.push(...((data as Partial<OfferAcceptedData>).onboardingDocuments ?? []));
        break;
      default:
        break;
    }
  }
  return found;
}

/**
 * The stage view with a read URL on each of its documents that has one in `urls` (by
 * `documentId`): artifacts', onboarding documents' and the offer letter's `url`, the current
 * submission's `data.submissionUrl`, earlier submissions' `submission.url`. Pure; stored stages
 * never carry URLs.
 */
export function withReadUrls<V extends DocumentBearing>(view: V, urls: ReadonlyMap<string, string>): V {
  if (urls.size === 0) return view;
  const link = <D extends DocumentRef>(document: D): D & { url?: string } => {
    const url = urls.get(document.documentId);
    return url === undefined ? document : { ...document, url };
  };
  switch (view.type) {
    case 'assignment': {
      const data = view.data as AssignmentData;
      const submissionUrl = data.submission === undefined ? undefined : urls.get(data.submission.documentId);
      return {
        ...view,
        data: {
          ...data,
          artifacts: data.artifacts.map((artifact) => (isLinkRef(artifact) ? artifact : link(artifact))),
          ...(submissionUrl === undefined ? {} : { submissionUrl }),
          ...(data.submissionHistory === undefined ? {} : { submissionHistory: data.submissionHistory.map((entry) => ({ ...entry, submission: link(entry.submission) })) }),
        },
      };
    }
    case 'offer': {
      const data = view.data as OfferData;
      return data.offerLetter === undefined ? view : { ...view, data: { ...data, offerLetter: link(data.offerLetter) } };
    }
    case 'offer_accepted': {
      const data = view.data as OfferAcceptedData;
      return { ...view, data: { ...data, onboardingDocuments: data.onboardingDocuments.map(link) } };
    }
    default:
      return view;
  }
}
