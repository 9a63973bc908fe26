import type { ActorRef } from '../../auth/domain/actor.ts';
import { DomainError } from '../../platform/errors.ts';
import type { ApplicationRepository, StoredApplication } from '../ports/application-repository.port.ts';
import { applicationIdSchema } from './schema-primitives.ts';

/** An id this API could never have stored is not found, without a read. */
export function assertApplicationIdShape(applicationId: string): void {
  if (!applicationIdSchema.safeParse(applicationId).success) {
    throw new DomainError('APPLICATION.NOT_FOUND', { details: { applicationId } });
  }
}

/** `APPLICATION.NOT_FOUND` unless the application is in the caller's tenant and, for a candidate, theirs. */
export function assertCanSee(application: { id: string; tenantId: string; candidateId: string }, tenantId: string, actor: ActorRef): void {
  if (application.tenantId !== tenantId || (actor.role === 'candidate' && application.candidateId !== actor.id)) {
    throw new DomainError('APPLICATION.NOT_FOUND', { details: { applicationId: application.id } });
  }
}

/**
 * One point read of an application the caller may see; none, another tenant's or another
 * candidate's is `APPLICATION.NOT_FOUND` (never a 403: the caller learns nothing about it).
 */
export async function visibleApplication(
  applications: Pick<ApplicationRepository, 'get'>,
  access: { readonly tenantId: string; readonly actor: ActorRef },
  applicationId: string,
): Promise<StoredApplication> {
  assertApplicationIdShape(applicationId);
  const stored = await applications.get(access.tenantId, applicationId);
  if (stored === undefined) throw new DomainError('APPLICATION.NOT_FOUND', { details: { applicationId } });
  assertCanSee(stored.document, access.tenantId, access.actor);
  return stored;
}
