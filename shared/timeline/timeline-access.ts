import { isStaff, type Principal } from '../auth/principal.ts';
import type { ApplicationDocument } from '../stages/application.schema.ts';
import type { ApplicationRepository } from '../stages/application-repository.port.ts';
import { DomainError } from '../platform/errors.ts';

export type TimelineAudience =
  | { readonly kind: 'staff'; readonly application: ApplicationDocument }
  | { readonly kind: 'candidate'; readonly application: ApplicationDocument; readonly visibleStageIds: readonly string[] };

/**
 * Who may read an application's timeline, and how much of it: staff of the application's
 * tenant see every entry; its candidate sees entries about stages visible to them. Anyone else,
 * including another tenant, is told the application does not exist.
 */
export async function timelineAudience(applications: ApplicationRepository, principal: Principal, applicationId: string): Promise<TimelineAudience> {
  const stored = await applications.get(applicationId);
  const application = stored?.document;
  const notFound = () => new DomainError('APPLICATION.NOT_FOUND', { details: { applicationId } });
  if (!application || application.tenantId !== principal.tenantId) throw notFound();
  if (isStaff(principal)) return { kind: 'staff', application };
  if (principal.roles.includes('candidate')) {
    if (application.candidateId !== principal.subject) throw notFound();
    const visibleStageIds = application.stages.filter((stage) => stage.visibleToCandidate).map((stage) => stage.id);
    return { kind: 'candidate', application, visibleStageIds };
  }
  throw new DomainError('AUTH.FORBIDDEN');
}

/** Verification is for staff only: a candidate sees a filtered timeline, not the chain. */
export async function staffAudience(applications: ApplicationRepository, principal: Principal, applicationId: string): Promise<ApplicationDocument> {
  const audience = await timelineAudience(applications, principal, applicationId);
  if (audience.kind !== 'staff') throw new DomainError('AUTH.FORBIDDEN');
  return audience.application;
}
