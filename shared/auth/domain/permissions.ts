import type { Principal, Role } from './principal.ts';
import { DomainError } from '../../platform/errors.ts';
import type { ActorRef } from './actor.ts';

/**
 * Which token roles may call each operation. Tenant and candidate scoping come on top: another
 * tenant's application, or another candidate's, is `APPLICATION.NOT_FOUND`, never a 403.
 * - candidates read their own applications and act on their own stages;
 * - interviewers read their tenant's applications and submit feedback, nothing else;
 * - recruiters and admins do everything in their tenant.
 */
export const operationRoles = {
  createApplication: ['recruiter', 'admin'],
  listApplications: ['recruiter', 'interviewer', 'admin'],
  readApplication: ['candidate', 'recruiter', 'interviewer', 'admin'],
  createStage: ['recruiter', 'admin'],
  applyAction: ['candidate', 'recruiter', 'admin'],
  submitFeedback: ['interviewer', 'recruiter', 'admin'],
  batch: ['recruiter', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

export type StageOperation = keyof typeof operationRoles;

/** When a principal holds several roles, it acts in the strongest one the operation allows. */
const strength: readonly Role[] = ['admin', 'recruiter', 'interviewer', 'candidate'];

export function isPermitted(principal: Principal, operation: StageOperation): boolean {
  const allowed: readonly Role[] = operationRoles[operation];
  return principal.roles.some((role) => allowed.includes(role));
}

/** The actor a principal acts as for `operation`; `AUTH.FORBIDDEN` when none of its roles may. */
export function actorFor(principal: Principal, operation: StageOperation): ActorRef {
  const allowed: readonly Role[] = operationRoles[operation];
  const role = strength.find((candidate) => allowed.includes(candidate) && principal.roles.includes(candidate));
  if (role === undefined) {
    throw new DomainError('AUTH.FORBIDDEN', {
      message: `This needs one of the roles: ${allowed.join(', ')}.`,
      details: { operation, allowedRoles: allowed },
    });
  }
  return { role, id: principal.subject };
}

/** `APPLICATION.NOT_FOUND` unless the application is in the principal's tenant and, for a candidate, theirs. */
export function assertCanSee(application: { id: string; tenantId: string; candidateId: string }, tenantId: string, actor: ActorRef): void {
  if (application.tenantId !== tenantId || (actor.role === 'candidate' && application.candidateId !== actor.id)) {
    throw new DomainError('APPLICATION.NOT_FOUND', { details: { applicationId: application.id } });
  }
}
