import { z } from 'zod';
import { applicationIdSchema, idSchema } from '../../stages/domain/schema-primitives.ts';
import { documentPurposes } from '../../stages/domain/document-ref.schema.ts';
import { allowedContentTypes, maxUploadBytes, uploadRules } from '../domain/purposes.ts';

const purposeTable = documentPurposes
  .map((purpose) => `\`${purpose}\`: ${uploadRules[purpose].contentTypes.join(', ')}`)
  .join('; ');

/**
 * Body of `POST /api/uploads`. The limits are stated in the schema (so the OpenAPI document tells
 * clients to check them too) but checked by the use case, which answers `UPLOAD.TOO_LARGE` and
 * `UPLOAD.TYPE_NOT_ALLOWED` rather than a generic validation error.
 */
export const createUploadBodySchema = z.strictObject({
  purpose: z.enum(documentPurposes).describe('Why the document is uploaded; decides who may upload it, which types are accepted and where it is attached.'),
  applicationId: applicationIdSchema,
  stageId: idSchema.optional().describe('The stage the document is for (assignment, or offer_accepted for onboarding documents); absent for offer letters.'),
  fileName: z.string().min(1).max(4096).describe('Shown and offered as the download name after sanitising; never part of a storage path.'),
  contentType: z.string().min(1).max(255).meta({ enum: allowedContentTypes })
    .describe(`MIME type of the file, sent again as \`content-type\` on the PUT. Per purpose: ${purposeTable}. Anything else is 400 UPLOAD.TYPE_NOT_ALLOWED.`),
  sizeBytes: z.number().int().min(1).meta({ maximum: maxUploadBytes })
    .describe(`Size of the file in bytes, at most ${maxUploadBytes} (5 MB); more is 400 UPLOAD.TOO_LARGE. The real size is checked again after the upload.`),
});
export type CreateUploadBody = z.infer<typeof createUploadBodySchema>;

export const uploadPathSchema = z.strictObject({ uploadId: z.string().min(1).max(128) });
