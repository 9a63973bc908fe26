import type { Container } from '@azure/cosmos';
import { CosmosDocuments } from '../../platform/cosmos/cosmos-documents.ts';
import { isStale, reseal } from '../../platform/crypto/envelope.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { ReencryptionReport, Reencryptor } from '../../platform/crypto/reencryption.ts';
import { secretAad, urlAad, webhookDocumentSchema, type WebhookDocument } from './cosmos-webhook-store.adapter.ts';

/**
 * Re-seals every webhook URL and secret made with a key other than the keyring's current one
 * (`npm run rotate-keys` runs it after a new key became current). Each document is rewritten
 * with a conditional replace; one that changed meanwhile is read again (up to 3 times).
 */
export class WebhooksReencryptor implements Reencryptor {
  readonly name = 'webhooks';
  readonly #documents: CosmosDocuments<WebhookDocument>;

  constructor(container: Container) {
    this.#documents = new CosmosDocuments({ container, schema: webhookDocumentSchema, partitionKeyOf: (document) => document.tenantId, scope: 'notifications' });
  }

  async reencrypt(keyring: Keyring, progress?: (scanned: number) => void): Promise<ReencryptionReport> {
    let scanned = 0;
    let resealed = 0;
    const failed: { id: string; reason: string }[] = [];
    for await (const stored of this.#documents.queryEach({ query: "SELECT * FROM c WHERE c.type = 'webhook'" })) {
      scanned += 1;
      progress?.(scanned);
      try {
        if (await this.#resealOne(keyring, stored.document, stored.etag)) resealed += 1;
      } catch (error) {
        failed.push({ id: `${stored.document.tenantId}/${stored.document.id}`, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    return { name: this.name, scanned, resealed, failed };
  }

  async #resealOne(keyring: Keyring, first: WebhookDocument, firstEtag: string): Promise<boolean> {
    let document = first;
    let etag = firstEtag;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const stale = isStale(keyring, document.url) || document.secrets.some((secret) => isStale(keyring, secret.value));
      if (!stale) return false;
      const next: WebhookDocument = {
        ...document,
        url: isStale(keyring, document.url) ? reseal(keyring, document.url, urlAad(document.tenantId, document.id)) : document.url,
        secrets: document.secrets.map((secret) =>
          isStale(keyring, secret.value) ? { ...secret, value: reseal(keyring, secret.value, secretAad(document.tenantId, document.id, secret.createdAt)) } : secret,
        ),
      };
      const replaced = await this.#documents.replace(next, etag);
      if (replaced === undefined) return false;
      if (replaced !== 'conflict') return true;
      const again = await this.#documents.read(document.id, document.tenantId);
      if (again === undefined) return false;
      document = again.document;
      etag = again.etag;
    }
    throw new Error('changed three times while it was re-encrypted; run the rotation again');
  }
}
