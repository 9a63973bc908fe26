import { z } from 'zod';
import { freeTextSchema } from './schema-primitives.ts';

/** Largest document the platform accepts (bytes); the documents module enforces it at upload. */
export const maxDocumentBytes = 5 * 1024 * 1024;

/**
 * A verified document in Blob Storage, as recorded by the documents module after its blob
 * trigger checked the real size and magic bytes. The stage stores only this reference; read
 * URLs (e.g. `submissionUrl`) are minted on read and never stored.
 */
export const documentRefSchema = z.strictObject({
  /** Id of the verified upload (the `uploads` container). */
  documentId: z.string().min(1).max(128),
  fileName: z.string().min(1).max(255),
  /** MIME type as verified by the documents module, e.g. `application/pdf`. */
  contentType: z
    .string()
    .max(127)
    .regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i, 'Expected a MIME type such as application/pdf'),
  /** Size in bytes, 1 … 5 MB. */
  size: z.number().int().min(1).max(maxDocumentBytes),
});
export type DocumentRef = z.infer<typeof documentRefSchema>;

/** A recruiter-supplied link (e.g. a repository template or a brief hosted elsewhere). HTTPS only. */
export const linkRefSchema = z.strictObject({
  url: z.url({ protocol: /^https$/ }).max(2048),
  /** Optional label shown instead of the raw URL. */
  title: freeTextSchema(200).optional(),
});
export type LinkRef = z.infer<typeof linkRefSchema>;

/** Recruiter artifact on an assignment: an uploaded document or a link. */
export const artifactRefSchema = z.union([documentRefSchema, linkRefSchema]);
export type ArtifactRef = z.infer<typeof artifactRefSchema>;

export function isLinkRef(ref: ArtifactRef): ref is LinkRef {
  return 'url' in ref;
}

/** Why a document was uploaded: decides who may upload it and where it is attached (the seed's table). */
export const documentPurposes = ['assignment_artifact', 'assignment_submission', 'offer_letter', 'onboarding_document'] as const;
export type DocumentPurpose = (typeof documentPurposes)[number];

/**
 * How a client names an uploaded document: by id only. The documents capability resolves it to
 * verified metadata (same tenant and application, the right purpose, accepted by its content gate).
 */
export const documentIdRefSchema = z.strictObject({
  documentId: z.string().min(1).max(128).describe('Id of an accepted upload (`POST /api/uploads`).'),
});
export type DocumentIdRef = z.infer<typeof documentIdRefSchema>;
