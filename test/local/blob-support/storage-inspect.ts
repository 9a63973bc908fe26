/**
 * Reads what the blob trigger stored, independently of the code under test: receipts in
 * `azure-webjobs-hosts` and messages in the poison queue (peeked over the Queue REST API).
 */
import {
  AccountSASPermissions,
  generateAccountSASQueryParameters,
  StorageSharedKeyCredential,
  type BlobServiceClient,
} from '@azure/storage-blob';
import type { AzuriteInstance } from '../../../local/azurite/azurite-launcher.ts';

export interface StoredReceipt {
  readonly name: string;
  readonly metadata: Record<string, string>;
}

export async function listReceipts(blobService: BlobServiceClient): Promise<StoredReceipt[]> {
  const container = blobService.getContainerClient('azure-webjobs-hosts');
  if (!(await container.exists())) return [];
  const receipts: StoredReceipt[] = [];
  for await (const item of container.listBlobsFlat({ prefix: 'blobreceipts/', includeMetadata: true })) {
    receipts.push({ name: item.name, metadata: item.metadata ?? {} });
  }
  return receipts.sort((a, b) => a.name.localeCompare(b.name));
}

export async function currentEtag(blobService: BlobServiceClient, container: string, blob: string): Promise<string> {
  const properties = await blobService.getContainerClient(container).getBlobClient(blob).getProperties();
  if (!properties.etag) throw new Error('blob has no ETag');
  return properties.etag;
}

export async function peekQueueMessages(azurite: AzuriteInstance, queueName: string): Promise<unknown[]> {
  const credential = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
  const sas = generateAccountSASQueryParameters(
    {
      services: 'q',
      resourceTypes: 'sco',
      permissions: AccountSASPermissions.parse('rl'),
      expiresOn: new Date(Date.now() + 10 * 60_000),
    },
    credential,
  ).toString();
  const response = await fetch(`${azurite.queueEndpoint}/${queueName}/messages?peekonly=true&numofmessages=32&${sas}`);
  const body = await response.text();
  if (response.status === 404) return [];
  if (response.status !== 200) throw new Error(`peek ${queueName}: HTTP ${response.status} ${body}`);
  return [...body.matchAll(/<MessageText>([^<]*)<\/MessageText>/g)].map((match) =>
    JSON.parse(Buffer.from(match[1] ?? '', 'base64').toString('utf8')),
  );
}
