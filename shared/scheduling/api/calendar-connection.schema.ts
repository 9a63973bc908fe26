import { z } from 'zod';

export const connectCalendarBodySchema = z.strictObject({
  loginHint: z.string().trim().email().max(320).optional().describe('The Google account to suggest on the consent screen.'),
});

export const connectCalendarResponseSchema = z.object({
  authorizationUrl: z.string().url().describe("Send the recruiter's browser here: Google's consent screen (offline access, PKCE, signed state)."),
  expiresAt: z.string().describe('The state in the URL is valid until then (10 minutes).'),
});

export const oauthCallbackQuerySchema = z.object({
  code: z.string().min(1).max(2048).optional(),
  state: z.string().min(1).max(4096).optional(),
  error: z.string().max(256).optional(),
  scope: z.string().max(2048).optional(),
});

export const calendarConnectionViewSchema = z.object({
  state: z.enum(['not_connected', 'pending', 'connected', 'invalid', 'disconnected']),
  accountEmail: z.string().optional(),
  connectedAt: z.string().optional(),
  invalid: z.object({ at: z.string(), reason: z.string() }).optional(),
  /** While invalid: the route that reconnects. */
  reconnect: z.string().optional(),
  channel: z.object({ expiration: z.string() }).optional(),
  lastSyncedAt: z.string().optional(),
  revoked: z.boolean().optional().describe('On disconnect: whether Google confirmed the revocation.'),
});

export type ConnectCalendarBody = z.infer<typeof connectCalendarBodySchema>;
export type OAuthCallbackQuery = z.infer<typeof oauthCallbackQuerySchema>;
export type CalendarConnectionView = z.infer<typeof calendarConnectionViewSchema>;

/** The push notification headers Google sends (`X-Goog-*`). */
export interface CalendarNotificationHeaders {
  readonly channelId: string | null;
  readonly channelToken: string | null;
  readonly resourceState: string | null;
  readonly resourceId: string | null;
  readonly messageNumber: string | null;
}
