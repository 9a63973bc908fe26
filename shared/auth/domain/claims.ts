import { z } from 'zod';
import { ROLES } from './principal.ts';

/**
 * The claims Stageline reads from a verified token, and their shape. A token whose claims do not
 * fit is refused (401) before anything runs, so nothing it carries can reach storage: ids are
 * bounded, printable, and of characters that are safe in storage keys and URLs.
 * - `sub`: the subject (Entra ID: a base64url pairwise id; locally any id), 1–128 of
 *   `A–Z a–z 0–9 . _ - @ : ~`;
 * - `tid`: the tenant (Entra ID: a GUID), 1–64 of `A–Z a–z 0–9 . _ -` (no separators: the tenant
 *   becomes part of storage keys);
 * - `roles`: known app roles only, at most 8 (absent = none: every route but public ones is 403);
 * - `exp` and `iat` required; `iat` not in the future; tokens older than `MAX_TOKEN_AGE_SECONDS`
 *   refused; `CLOCK_TOLERANCE_SECONDS` of skew allowed on every time check;
 * - `name`: optional display name, ≤ 256 characters, no control characters.
 */
export const CLOCK_TOLERANCE_SECONDS = 60;
export const MAX_TOKEN_AGE_SECONDS = 24 * 3600;

export const subjectSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9._@:~-]+$/);
export const tenantIdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/);

export const tokenClaimsSchema = z.object({
  sub: subjectSchema,
  tid: tenantIdSchema,
  roles: z.array(z.enum(ROLES)).max(8).optional(),
  exp: z.number().int().positive(),
  iat: z.number().int().positive(),
  name: z
    .string()
    .max(256)
    .refine((value) => value.isWellFormed() && !/[\p{Cc}\p{Cf}]/u.test(value), 'no control or format characters')
    .optional(),
});
export type TokenClaims = z.infer<typeof tokenClaimsSchema>;
