import { DomainError } from '../../platform/errors.ts';
import type { ActorRef } from './actor.ts';
import type { Principal, Role } from './principal.ts';

/**
 * The one permission table: which token roles may call each operation, named per capability.
 * Routes declare their operation from it; `authorize` is the only role check. Scoping comes on
 * top, inside the use cases: another tenant's application, or another candidate's, is
 * `APPLICATION.NOT_FOUND`, never a 403.
 * - candidates read their own applications and act on their own stages;
 * - interviewers read their tenant's applications and submit feedback;
 * - recruiters and admins run their tenant's pipeline.
 */
export const permissions = {
  'stages.createApplication': ['recruiter', 'admin'],
  'stages.listApplications': ['recruiter', 'interviewer', 'admin'],
  'stages.readApplication': ['candidate', 'recruiter', 'interviewer', 'admin'],
  'stages.createStage': ['recruiter', 'admin'],
  'stages.applyAction': ['candidate', 'recruiter', 'admin'],
  'stages.submitFeedback': ['interviewer', 'recruiter', 'admin'],
  'stages.batch': ['recruiter', 'admin'],
  'timeline.read': ['candidate', 'recruiter', 'interviewer', 'admin'],
  'timeline.verify': ['recruiter', 'interviewer', 'admin'],
  'events.readStageSla': ['recruiter', 'interviewer', 'admin'],
  // Who may upload for which purpose and stage is the documents capability's rule (its domain).
  'documents.createUploadIntent': ['candidate', 'recruiter', 'admin'],
  'documents.readUpload': ['candidate', 'recruiter', 'admin'],
  'notifications.readInbox': ['candidate', 'recruiter', 'interviewer', 'admin'],
  'notifications.manageWebhooks': ['admin'],
  'notifications.manageDeadLetters': ['admin'],
  'scheduling.connectCalendar': ['recruiter', 'admin'],
  'scheduling.readConnection': ['recruiter', 'admin'],
  'scheduling.manageSlots': ['recruiter', 'admin'],
  'scheduling.readSlots': ['candidate', 'recruiter', 'interviewer', 'admin'],
  'scheduling.schedule': ['candidate', 'recruiter', 'admin'],
  'scheduling.reschedule': ['recruiter', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Operation = keyof typeof permissions;

/** Who acts, in which tenant: what `authorize` hands the use cases. */
export interface Access {
  readonly tenantId: string;
  readonly actor: ActorRef;
}

/** When a principal holds several roles, it acts in the strongest one the operation allows. */
const strength: readonly Role[] = ['admin', 'recruiter', 'interviewer', 'candidate'];

export function rolesFor(operation: Operation): readonly Role[] {
  return permissions[operation];
}

export function permits(role: Role, operation: Operation): boolean {
  return rolesFor(operation).includes(role);
}

/** The access a principal acts with for `operation`; `AUTH.FORBIDDEN` when none of its roles may. */
export function authorize(principal: Principal, operation: Operation): Access {
  const allowed = rolesFor(operation);
  const role = strength.find((candidate) => allowed.includes(candidate) && principal.roles.includes(candidate));
  if (role === undefined) {
    throw new DomainError('AUTH.FORBIDDEN', {
      message: `This needs one of the roles: ${allowed.join(', ')}.`,
      details: { operation, allowedRoles: allowed },
    });
  }
  return { tenantId: principal.tenantId, actor: { role, id: principal.subject } };
}
