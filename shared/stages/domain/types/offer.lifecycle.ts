import { offerStatuses } from './offer.schema.ts';
import type { ActionRule, StageDefinition } from '../stage-definition.ts';
import type { OfferStage } from '../stage.model.ts';

type Outcome = 'accepted' | 'declined' | 'revoked' | 'expired';

/** The candidate's decision is refused once `expiresAt` has passed (checked only when `now` is known). */
export function offerExpiryGuard(stage: OfferStage, now: string | undefined): string | undefined {
  if (now === undefined || stage.data.expiresAt === undefined) return undefined;
  return Date.parse(now) >= Date.parse(stage.data.expiresAt) ? 'offer_expired' : undefined;
}

function resolve<A extends 'accept' | 'decline' | 'revoke' | 'expire'>(
  outcome: Outcome,
  roles: ActionRule<OfferStage, A>['roles'],
  candidateDecision: boolean,
): ActionRule<OfferStage, A> {
  return {
    from: ['awaiting_candidate'],
    to: outcome,
    roles,
    ...(candidateDecision ? { guard: offerExpiryGuard } : {}),
    apply: (stage, payload, { actor, now }) => {
      const reason = 'reason' in payload ? payload.reason : undefined;
      return {
        ...stage.data,
        resolution: { outcome, ...(reason === undefined ? {} : { reason }), by: actor, at: now },
      };
    },
  };
}

/**
 * offer: awaiting_candidate → accepted / declined (candidate, before `expiresAt`) / revoked
 * (recruiter) / expired (`expire`: the expiry timer as `system`, or a recruiter). All four are terminal.
 */
export const offerDefinition: StageDefinition<OfferStage> = {
  type: 'offer',
  defaultTitle: 'Offer',
  statuses: offerStatuses,
  initialStatus: 'awaiting_candidate',
  actionableBy: { awaiting_candidate: 'candidate', accepted: null, declined: null, revoked: null, expired: null },
  feedbackStatuses: [],
  assignedInterviewers: () => [],
  actions: {
    accept: resolve<'accept'>('accepted', ['candidate'], true),
    decline: resolve<'decline'>('declined', ['candidate'], true),
    revoke: resolve<'revoke'>('revoked', ['recruiter'], false),
    expire: resolve<'expire'>('expired', ['recruiter', 'system'], false),
  },
};
