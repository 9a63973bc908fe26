/**
 * `Cookie` objects of `@azure/functions` → `Set-Cookie` header values, formatted the way the host
 * writes them (ASP.NET Core `Response.Cookies.Append` + `SetCookieHeaderValue`):
 * - the value is escaped like `Uri.EscapeDataString` (the name is written as given);
 * - attribute order and spelling: `expires`, `max-age`, `domain`, `path`, `secure`, `samesite`, `httponly`;
 * - `path` defaults to `/` (ASP.NET's `CookieOptions.Path` default);
 * - `expires` accepts a Date or Unix milliseconds; `maxAge` is in seconds (fractions dropped);
 * - `sameSite` unset → no attribute; 'None' → `samesite=none`.
 */
import type { Cookie } from '@azure/functions';

/** RFC 3986 unreserved characters stay; everything else is percent-encoded (as `Uri.EscapeDataString`). */
export function escapeDataString(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function formatSetCookie(cookie: Cookie): string {
  const parts = [`${cookie.name}=${escapeDataString(cookie.value ?? '')}`];
  if (cookie.expires !== undefined && cookie.expires !== null) {
    const expires = cookie.expires instanceof Date ? cookie.expires : new Date(cookie.expires);
    if (Number.isNaN(expires.getTime())) throw new TypeError(`cookie '${cookie.name}' has an invalid expires value`);
    parts.push(`expires=${expires.toUTCString()}`);
  }
  if (typeof cookie.maxAge === 'number') parts.push(`max-age=${Math.trunc(cookie.maxAge)}`);
  if (cookie.domain) parts.push(`domain=${cookie.domain}`);
  parts.push(`path=${cookie.path ?? '/'}`);
  if (cookie.secure) parts.push('secure');
  if (cookie.sameSite) parts.push(`samesite=${cookie.sameSite.toLowerCase()}`);
  if (cookie.httpOnly) parts.push('httponly');
  return parts.join('; ');
}
