/**
 * The blob trigger's poison queue, `webjobs-blobtrigger-poison`, written with the Queue REST API
 * over fetch (the project has no `@azure/storage-queue` dependency). Requests carry an account SAS
 * signed with the account key. Message text is Base64 of the JSON, as the host's queue client
 * writes it (`QueueMessageEncoding.Base64`).
 */
import { AccountSASPermissions, generateAccountSASQueryParameters, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { StorageAccountConnection } from './blob-connection.ts';

export const POISON_QUEUE_NAME = 'webjobs-blobtrigger-poison';

/** The host's `BlobTriggerMessage` as serialized to the poison queue. */
export interface BlobTriggerPoisonMessage {
  readonly Type: 'BlobTrigger';
  readonly FunctionId: string;
  readonly BlobType: string;
  readonly ContainerName: string;
  readonly BlobName: string;
  readonly ETag: string;
}

export interface PoisonQueue {
  send(message: BlobTriggerPoisonMessage): Promise<void>;
}

export function createPoisonQueue(account: StorageAccountConnection, queueName = POISON_QUEUE_NAME): PoisonQueue {
  const credential = new StorageSharedKeyCredential(account.accountName, account.accountKey);
  const queueUrl = `${account.queueEndpoint}/${queueName}`;
  let queueReady = false;

  const sas = (): string =>
    generateAccountSASQueryParameters(
      {
        services: 'q',
        resourceTypes: 'co',
        permissions: AccountSASPermissions.parse('rwac'),
        startsOn: new Date(Date.now() - 5 * 60_000),
        expiresOn: new Date(Date.now() + 15 * 60_000),
      },
      credential,
    ).toString();

  async function ensureQueue(): Promise<void> {
    if (queueReady) return;
    const response = await fetch(`${queueUrl}?${sas()}`, { method: 'PUT', headers: { 'content-length': '0' } });
    await response.body?.cancel();
    // 201 created, 204 already there (same metadata), 409 already there (other metadata).
    if (![201, 204, 409].includes(response.status)) {
      throw new Error(`Could not create queue ${queueName} at ${account.queueEndpoint}: HTTP ${response.status}.`);
    }
    queueReady = true;
  }

  return {
    async send(message) {
      await ensureQueue();
      const text = Buffer.from(JSON.stringify(message), 'utf8').toString('base64');
      const body = `<?xml version="1.0" encoding="utf-8"?><QueueMessage><MessageText>${text}</MessageText></QueueMessage>`;
      const response = await fetch(`${queueUrl}/messages?${sas()}`, {
        method: 'POST',
        headers: { 'content-type': 'application/xml; charset=utf-8' },
        body,
      });
      if (response.status === 201) {
        await response.body?.cancel();
        return;
      }
      if (response.status === 404) queueReady = false;
      const detail = await response.text();
      throw new Error(`Could not write to queue ${queueName}: HTTP ${response.status} ${detail.slice(0, 300)}`);
    },
  };
}
