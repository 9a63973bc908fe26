import { createHash } from 'node:crypto';

/**
 * Blob names are the server's, never the user's: `{tenant}/{uploadId}` in the quarantine
 * container, `{tenant}/{documentId}` in the documents container. Ids are UUIDs the server made;
 * the tenant segment is the tenant id when it is a plain identifier (Entra tenant ids are GUIDs),
 * otherwise a hash of it, so no token claim can shape a path.
 */
const PLAIN_TENANT = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
const SERVER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function tenantSegment(tenantId: string): string {
  return PLAIN_TENANT.test(tenantId) ? tenantId : `t-${createHash('sha256').update(tenantId, 'utf8').digest('hex').slice(0, 32)}`;
}

export function quarantineBlobName(tenantId: string, uploadId: string): string {
  return `${tenantSegment(tenantId)}/${uploadId}`;
}

export function documentBlobName(tenantId: string, documentId: string): string {
  return `${tenantSegment(tenantId)}/${documentId}`;
}

/** The upload id a quarantine blob name carries, or `undefined` when the name is not one the server hands out. */
export function uploadIdOf(blobName: string): string | undefined {
  const parts = blobName.split('/');
  if (parts.length !== 2) return undefined;
  const [tenant, uploadId] = parts as [string, string];
  if (!PLAIN_TENANT.test(tenant) || !SERVER_ID.test(uploadId)) return undefined;
  return uploadId;
}

/** Whether `id` has the shape of an id the server makes (so anything else is not found without a read). */
export function isServerId(id: string): boolean {
  return SERVER_ID.test(id);
}
