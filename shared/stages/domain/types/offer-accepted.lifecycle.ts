import { maxOnboardingDocuments, offerAcceptedStatuses } from './offer-accepted.schema.ts';
import type { StageDefinition } from '../stage-definition.ts';
import type { OfferAcceptedStage } from '../stage.model.ts';

/**
 * offer_accepted: awaiting_candidate → completed. Onboarding documents are appended one by one
 * (candidate or recruiter) while the stage awaits the candidate; either side may `complete` it.
 */
export const offerAcceptedDefinition: StageDefinition<OfferAcceptedStage> = {
  type: 'offer_accepted',
  defaultTitle: 'Offer accepted',
  statuses: offerAcceptedStatuses,
  initialStatus: 'awaiting_candidate',
  actionableBy: { awaiting_candidate: 'candidate', completed: null },
  feedbackStatuses: [],
  assignedInterviewers: () => [],
  actions: {
    add_onboarding_document: {
      owner: 'documents',
      from: ['awaiting_candidate'],
      roles: ['candidate', 'recruiter'],
      guard: (stage) =>
        stage.data.onboardingDocuments.length >= maxOnboardingDocuments ? 'document_limit_reached' : undefined,
      apply: (stage, payload, { actor, now }) => ({
        ...stage.data,
        onboardingDocuments: [...stage.data.onboardingDocuments, { ...payload.document, addedBy: actor, addedAt: now }],
      }),
    },
    complete: {
      from: ['awaiting_candidate'],
      to: 'completed',
      roles: ['candidate', 'recruiter'],
      apply: (stage, _payload, { now }) => ({ ...stage.data, completedAt: now }),
    },
  },
};
