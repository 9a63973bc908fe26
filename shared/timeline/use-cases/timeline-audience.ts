import type { Principal } from '../../auth/domain/principal.ts';
import type { ApplicationDocument } from '../../stages/domain/application.schema.ts';
import type { ApplicationRepository } from '../../stages/ports/application-repository.port.ts';
import { actorFor, assertCanSee } from '../../auth/domain/permissions.ts';
import { DomainError } from '../../platform/errors.ts';

export type TimelineAudience =
  | { readonly kind: 'staff'; readonly application: ApplicationDocument }
  | { readonly kind: 'candidate'; readonly application: ApplicationDocument; readonly visibleStageIds: readonly string[] };

/**
 * Who may read an application's timeline, and how much of it, by the stage API's rules
 * (`readApplication`): staff of the application's tenant see every entry; its candidate sees
 * entries about stages visible to them. Another tenant's application, or another candidate's,
 * does not exist for the caller.
 */
export async function timelineAudience(applications: ApplicationRepository, principal: Principal, applicationId: string): Promise<TimelineAudience> {
  const actor = actorFor(principal, 'readApplication');
  const application = (await applications.get(applicationId))?.document;
  if (!application) throw new DomainError('APPLICATION.NOT_FOUND', { details: { applicationId } });
  assertCanSee(application, principal.tenantId, actor);
  if (actor.role !== 'candidate') return { kind: 'staff', application };
  const visibleStageIds = application.stages.filter((stage) => stage.visibleToCandidate).map((stage) => stage.id);
  return { kind: 'candidate', application, visibleStageIds };
}

/** Staff only (verification, SLA): a candidate sees a filtered timeline, not the whole record. */
export async function staffAudience(applications: ApplicationRepository, principal: Principal, applicationId: string): Promise<ApplicationDocument> {
  const audience = await timelineAudience(applications, principal, applicationId);
  if (audience.kind !== 'staff') {
    throw new DomainError('AUTH.FORBIDDEN', { message: 'Only recruiters, interviewers and admins may do this.' });
  }
  return audience.application;
}
