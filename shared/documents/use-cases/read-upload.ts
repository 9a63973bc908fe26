import type { Access } from '../../auth/domain/permissions.ts';
import { DomainError } from '../../platform/errors.ts';
import { isServerId } from '../domain/blob-names.ts';
import { uploadStatusOf, type UploadStatus } from '../domain/upload-intent.ts';
import type { DocumentsDeps } from './documents-deps.ts';

/**
 * An upload's progress for a client after its PUT. Only its uploader and the tenant's recruiters
 * and admins see it; anyone else, another tenant, an intent that never got a URL, or an id the
 * server could not have made is `UPLOAD.NOT_FOUND`.
 */
export async function readUpload(deps: DocumentsDeps, access: Access, uploadId: string): Promise<UploadStatus> {
  const notFound = () => new DomainError('UPLOAD.NOT_FOUND', { details: { uploadId } });
  if (!isServerId(uploadId)) throw notFound();
  const found = await deps.intents.get(access.tenantId, uploadId);
  if (found === undefined || found.intent.state === 'failed') throw notFound();
  const staff = access.actor.role === 'recruiter' || access.actor.role === 'admin';
  if (!staff && found.intent.uploader.id !== access.actor.id) throw notFound();
  return uploadStatusOf(found.intent);
}
