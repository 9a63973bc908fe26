export const ROLES = ['candidate', 'recruiter', 'interviewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, from a verified token: subject, tenant and roles. */
export interface Principal {
  readonly subject: string;
  readonly tenantId: string;
  readonly roles: readonly Role[];
  readonly name?: string;
}

export function hasAnyRole(principal: Principal, roles: readonly Role[]): boolean {
  return principal.roles.some((role) => roles.includes(role));
}

/** Staff see recruiter-side data: recruiters, interviewers and admins. */
export function isStaff(principal: Principal): boolean {
  return hasAnyRole(principal, ['recruiter', 'interviewer', 'admin']);
}
