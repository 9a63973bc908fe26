import { createUploadBodySchema, uploadPathSchema } from '../../../shared/documents/api/upload-requests.schema.ts';
import { uploadIntentResponseSchema, uploadStatusSchema } from '../../../shared/documents/api/upload-views.schema.ts';
import { defineRoute, type RouteDefinition } from '../route-definition.ts';

export const documentRoutes = {
  createUploadIntent: defineRoute({
    name: 'createUploadIntent',
    method: 'POST',
    route: 'uploads',
    summary: 'Get a write-only URL for one document upload',
    description:
      'Who may upload: `assignment_artifact` recruiter/admin (an assignment awaiting the candidate), `assignment_submission` the stage\'s candidate (assignment awaiting the candidate), ' +
      '`offer_letter` recruiter/admin (no stageId; name it when creating the offer), `onboarding_document` the stage\'s candidate (offer_accepted awaiting the candidate). ' +
      'Declared size ≤ 5 MB and type allowed for the purpose are checked before any URL is made. PUT the file to `uploadUrl` with `headers` before `expiresAt`; ' +
      'the content gate then checks the real size and bytes and attaches the document (poll `GET /api/uploads/{uploadId}`). Storage unreachable: 503 STORAGE.UNAVAILABLE with retry advice.',
    tags: ['documents'],
    access: { operation: 'documents.createUploadIntent' },
    body: createUploadBodySchema,
    gated: true,
    responses: [{ status: 201, description: 'The upload URL and how to use it.', schema: uploadIntentResponseSchema, headers: { location: 'URL of the upload\'s status' } }],
    errors: ['UPLOAD.TOO_LARGE', 'UPLOAD.TYPE_NOT_ALLOWED', 'APPLICATION.NOT_FOUND', 'STAGE.NOT_FOUND', 'STAGE.TRANSITION_NOT_ALLOWED', 'APPLICATION.CLOSED', 'STORAGE.UNAVAILABLE'],
  }),
  getUpload: defineRoute({
    name: 'getUpload',
    method: 'GET',
    route: 'uploads/{uploadId}',
    summary: 'An upload\'s progress: pending, accepted (with its documentId) or rejected (with a reason)',
    description: 'The uploader, or a recruiter/admin of the tenant. Anyone else gets 404 UPLOAD.NOT_FOUND.',
    tags: ['documents'],
    access: { operation: 'documents.readUpload' },
    params: uploadPathSchema,
    responses: [{ status: 200, description: 'The upload\'s status.', schema: uploadStatusSchema }],
    errors: ['UPLOAD.NOT_FOUND'],
  }),
} satisfies Record<string, RouteDefinition>;
