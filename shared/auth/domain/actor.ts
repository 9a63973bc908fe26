import { z } from 'zod';

import { ROLES, type Role } from './principal.ts';

/** Roles a signed-in principal can hold (token claims). */
export const principalRoles = ROLES;
export type PrincipalRole = Role;

/**
 * Roles that can act on a stage. `system` is the platform itself: calendar status sync,
 * the offer-expiry timer, the legacy transformation. It never comes from a token.
 */
export const actorRoles = [...principalRoles, 'system'] as const;
export type ActorRole = (typeof actorRoles)[number];

export const actorRoleSchema = z.enum(actorRoles);

/** Who did something: the role they acted in and their subject id (or a system component name). */
export const actorRefSchema = z.strictObject({
  role: actorRoleSchema,
  id: z.string().min(1).max(256),
});
export type ActorRef = z.infer<typeof actorRefSchema>;

/** Which side of the process has the next move on a stage; `null` when nobody does. */
export type ActionableBy = 'candidate' | 'recruiter' | null;

/**
 * True when `role` appears in `permitted`, counting `admin` as a recruiter:
 * an admin may do everything a recruiter may.
 */
export function roleIsPermitted(permitted: readonly ActorRole[], role: ActorRole): boolean {
  if (permitted.includes(role)) return true;
  return role === 'admin' && permitted.includes('recruiter');
}
