import { z } from 'zod';
import { rejectionReasons } from '../domain/upload-intent.ts';

/** Answer of `POST /api/uploads`: where and how to PUT the file, until when. */
export const uploadIntentResponseSchema = z.object({
  uploadId: z.string().describe('Poll `GET /api/uploads/{uploadId}` after the PUT.'),
  uploadUrl: z.url().describe('Write-only URL of one server-named blob (create/write, no read, no delete, no other name).'),
  method: z.literal('PUT'),
  headers: z
    .object({ 'x-ms-blob-type': z.literal('BlockBlob'), 'content-type': z.string() })
    .describe('Send exactly these headers with the PUT.'),
  expiresAt: z.iso.datetime().describe('The URL stops working then (at most 15 minutes after it was made).'),
  maxBytes: z.number().int().describe('Largest body the gate accepts; a larger blob is rejected as too_large.'),
});
export type UploadIntentResponse = z.infer<typeof uploadIntentResponseSchema>;

/** Answer of `GET /api/uploads/{uploadId}`. */
export const uploadStatusSchema = z.object({
  uploadId: z.string(),
  status: z.enum(['pending', 'accepted', 'rejected']).describe('`pending` until the content gate has checked, stored and attached the upload.'),
  reason: z.enum(rejectionReasons).optional().describe('Why it was rejected.'),
  documentId: z.string().optional().describe('Once accepted: the verified document (an offer letter is named by it when the offer is created).'),
});
