import { BlobServiceClient, BlockBlobClient, type ContainerClient } from '@azure/storage-blob';
import type { ItemDefinition } from '@azure/cosmos';
import { waitFor } from '../local/cosmos-support/cosmos-fixtures.ts';
import type { ApiAnswer, ApiStack } from './stage-api.ts';

/**
 * The upload flow as a client runs it, over HTTP against the local host: ask for an intent, PUT
 * the bytes to the returned URL (with the real `@azure/storage-blob` client or a plain HTTP PUT),
 * let the host's blob trigger run the content gate, poll the upload's status. Plus what the tests
 * inspect: the stored intent and document records, and the blobs in Azurite.
 */
export interface UploadBody {
  readonly purpose: string;
  readonly applicationId: string;
  readonly stageId?: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly sizeBytes: number;
}

export interface UploadIntentAnswer {
  readonly uploadId: string;
  readonly uploadUrl: string;
  readonly method: 'PUT';
  readonly headers: Record<string, string>;
  readonly expiresAt: string;
  readonly maxBytes: number;
}

export type PutVia = 'sdk' | 'fetch';

export function requestUpload(api: ApiStack, token: string, body: UploadBody): Promise<ApiAnswer> {
  return api.call('/uploads', { token, json: body });
}

/** PUTs `bytes` to the intent's URL; the HTTP status storage answered (201 created, 403 refused …). */
export async function putFile(intent: Pick<UploadIntentAnswer, 'uploadUrl' | 'headers'>, bytes: Uint8Array, via: PutVia = 'fetch', url = intent.uploadUrl): Promise<number> {
  if (via === 'fetch') {
    const response = await fetch(url, { method: 'PUT', headers: intent.headers, body: bytes });
    await response.arrayBuffer();
    return response.status;
  }
  try {
    const client = new BlockBlobClient(url, undefined, { retryOptions: { maxTries: 1 } });
    const response = await client.uploadData(bytes, { blobHTTPHeaders: { blobContentType: intent.headers['content-type'] } });
    return response._response.status;
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === undefined) throw error;
    return status;
  }
}

/** Runs the blob trigger now and waits until the upload is no longer pending; its last status answer. */
export async function settledUpload(api: ApiStack, token: string, uploadId: string): Promise<ApiAnswer> {
  let answer: ApiAnswer | undefined;
  await waitFor(async () => {
    await api.host.triggers.scanBlobs();
    answer = await api.call(`/uploads/${uploadId}`, { token });
    return answer.status !== 200 || answer.body.status !== 'pending';
  }, `upload ${uploadId} to leave pending`, 30_000);
  return answer!;
}

/** Intent, PUT, gate: the status the client ends up seeing. */
export async function uploadAndSettle(api: ApiStack, token: string, body: UploadBody, bytes: Uint8Array, via: PutVia = 'fetch'): Promise<{ intent: UploadIntentAnswer; put: number; status: ApiAnswer }> {
  const answer = await requestUpload(api, token, body);
  if (answer.status !== 201) throw new Error(`POST /uploads answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  const intent = answer.body as UploadIntentAnswer;
  const put = await putFile(intent, bytes, via);
  if (put !== 201) throw new Error(`PUT answered ${put}`);
  return { intent, put, status: await settledUpload(api, token, intent.uploadId) };
}

/** Blob Storage (Azurite) as the app's documents connection sees it. */
export function documentsStorage(api: ApiStack): BlobServiceClient {
  return BlobServiceClient.fromConnectionString(api.host.settings['DocumentsStorage']!);
}

export async function blobNames(container: ContainerClient, prefix?: string): Promise<string[]> {
  const names: string[] = [];
  for await (const blob of container.listBlobsFlat(prefix === undefined ? {} : { prefix })) names.push(blob.name);
  return names.sort();
}

/** The stored upload intent (Cosmos system fields included). */
export async function storedIntent(api: ApiStack, uploadId: string): Promise<ItemDefinition | undefined> {
  return (await api.host.services.database.container('uploadIntents').item(uploadId, uploadId).read()).resource;
}

/** The stored document record, if any, for a document of an application of `tenantId`. */
export async function storedDocument(api: ApiStack, applicationId: string, documentId: string, tenantId = 'acme'): Promise<ItemDefinition | undefined> {
  return (await api.host.services.database.container('uploads').item(documentId, [tenantId, applicationId]).read()).resource;
}

/** Every document record stored for an upload id. */
export async function documentsOfUpload(api: ApiStack, uploadId: string): Promise<ItemDefinition[]> {
  const query = { query: 'SELECT * FROM c WHERE c.uploadId = @uploadId', parameters: [{ name: '@uploadId', value: uploadId }] };
  return (await api.host.services.database.container('uploads').items.query(query).fetchAll()).resources;
}

/** `upload.rejected` notices on the notifications queue (peeked, not received). */
export async function rejectionNotices(api: ApiStack): Promise<Array<Record<string, unknown>>> {
  return api.sent
    .filter((message) => message.entity === 'notifications')
    .map((message) => message.body as Record<string, unknown>)
    .filter((body) => body['kind'] === 'upload.rejected');
}

/** Every document id on the application's stored stages (artifacts, submissions and history, letters, onboarding). */
export async function documentIdsOnStages(api: ApiStack, applicationId: string): Promise<string[]> {
  const application = await api.raw(applicationId);
  const ids: string[] = [];
  for (const stage of (application?.['stages'] ?? []) as Array<{ data: Record<string, any> }>) {
    const data = stage.data;
    for (const artifact of data['artifacts'] ?? []) if (artifact.documentId) ids.push(artifact.documentId);
    if (data['submission']) ids.push(data['submission'].documentId);
    for (const entry of data['submissionHistory'] ?? []) ids.push(entry.submission.documentId);
    if (data['offerLetter']) ids.push(data['offerLetter'].documentId);
    for (const document of data['onboardingDocuments'] ?? []) ids.push(document.documentId);
  }
  return ids;
}

/** Metric value from the host's Prometheus text (`name` with dots, summed over series matching `labels`). */
export async function metricValue(api: ApiStack, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${api.baseUrl}/metrics`)).text();
  const metric = name.replaceAll('.', '_');
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+([0-9.eE+-]+)/.exec(line);
    if (!match || (match[1] !== metric && match[1] !== `${metric}_total`)) continue;
    const attributes = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => attributes[key] === value)) total += Number(match[3]);
  }
  return total;
}
