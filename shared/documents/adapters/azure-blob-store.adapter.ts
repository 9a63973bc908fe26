import {
  BlobSASPermissions, BlobServiceClient, RestError, SASProtocol, type BlobClient, type BlobGenerateSasUrlOptions, type ContainerClient,
  type StoragePipelineOptions, type UserDelegationKey,
} from '@azure/storage-blob';
import type { TokenCredential } from '@azure/identity';
import { DOCUMENTS_CONTAINER, QUARANTINE_CONTAINER } from '../../platform/blob-containers.ts';
import { DomainError } from '../../platform/errors.ts';
import type { BlobFacts } from '../domain/content-gate.ts';
import type { BlobArea, BlobLocation, BlobStore, ReadUrlOptions, UploadUrlOptions } from '../ports/blob-store.port.ts';
import { DelegationKeyCache } from './user-delegation-key-cache.ts';

export type AzureBlobStoreConfig = (
  | { readonly kind: 'connectionString'; readonly connectionString: string }
  | { readonly kind: 'identity'; readonly blobServiceUri: string; readonly credential: TokenCredential }
) & {
  /** Container per area (default: the platform's `quarantine` and `documents`). */
  readonly containers?: { readonly [A in BlobArea]: string };
  /** Seconds a caller is told to wait when storage does not answer (default 15). */
  readonly retryAfterSeconds?: number;
};

/** A request the user waits for fails fast: three tries within a few seconds, then `STORAGE.UNAVAILABLE`. */
const PIPELINE: StoragePipelineOptions = {
  retryOptions: { maxTries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 1_000, tryTimeoutInMs: 10_000 },
};

/**
 * Blob Storage for documents. Two ways in, the same behaviour:
 * - a connection string with an account key (Azurite on the local host): SAS tokens are
 *   service SAS signed with that key;
 * - a blob endpoint and a Microsoft Entra credential (managed identity in Azure; no account
 *   keys): SAS tokens are user-delegation SAS, signed with a delegation key that is cached for
 *   hours and renewed an hour before it runs out.
 * URLs are HTTPS-only whenever the endpoint is HTTPS (always in Azure); Azurite speaks HTTP.
 */
export class AzureBlobStore implements BlobStore {
  readonly #service: BlobServiceClient;
  readonly #containers: { readonly [A in BlobArea]: string };
  readonly #retryAfterSeconds: number;
  readonly #delegationKeys: DelegationKeyCache<UserDelegationKey> | undefined;
  readonly #protocol: SASProtocol;

  constructor(config: AzureBlobStoreConfig) {
    this.#service =
      config.kind === 'connectionString'
        ? BlobServiceClient.fromConnectionString(config.connectionString, PIPELINE)
        : new BlobServiceClient(config.blobServiceUri, config.credential, PIPELINE);
    this.#containers = config.containers ?? { quarantine: QUARANTINE_CONTAINER, documents: DOCUMENTS_CONTAINER };
    this.#retryAfterSeconds = config.retryAfterSeconds ?? 15;
    this.#protocol = this.#service.url.startsWith('https:') ? SASProtocol.Https : SASProtocol.HttpsAndHttp;
    this.#delegationKeys =
      config.kind === 'identity'
        ? new DelegationKeyCache({ fetch: async (startsOn, expiresOn) => (await this.#service.getUserDelegationKey(startsOn, expiresOn)) as UserDelegationKey })
        : undefined;
  }

  async check(): Promise<void> {
    await this.#service.listContainers().byPage({ maxPageSize: 1 }).next();
  }

  async uploadUrl(blob: BlobLocation, options: UploadUrlOptions): Promise<string> {
    const client = this.#blob(blob);
    const taken = await this.#storage(() => client.exists());
    if (taken) throw new Error(`Blob ${blob.area}/${blob.name} already exists; upload names are never reused.`);
    return this.#sign(client, { permissions: BlobSASPermissions.parse('cw'), expiresOn: options.expiresAt });
  }

  async readUrl(blob: BlobLocation, options: ReadUrlOptions): Promise<string> {
    return this.#sign(this.#blob(blob), {
      permissions: BlobSASPermissions.parse('r'),
      expiresOn: options.expiresAt,
      contentType: options.contentType,
      contentDisposition: options.contentDisposition,
    });
  }

  async inspect(blob: BlobLocation): Promise<BlobFacts | undefined> {
    try {
      const properties = await this.#storage(() => this.#blob(blob).getProperties());
      return {
        etag: properties.etag ?? '',
        size: properties.contentLength ?? 0,
        lastModified: (properties.lastModified ?? new Date(0)).toISOString(),
      };
    } catch (error) {
      if (hasStatus(error, 404)) return undefined;
      throw error;
    }
  }

  async read(blob: BlobLocation, etag: string, maxBytes: number): Promise<Uint8Array | undefined> {
    try {
      const response = await this.#storage(() => this.#blob(blob).download(0, undefined, { conditions: { ifMatch: etag } }));
      return await this.#storage(() => collect(response.readableStreamBody, maxBytes));
    } catch (error) {
      if (hasStatus(error, 404, 412)) return undefined;
      throw error;
    }
  }

  async write(blob: BlobLocation, bytes: Uint8Array, contentType: string): Promise<void> {
    const client = this.#blob(blob).getBlockBlobClient();
    await this.#storage(() => client.uploadData(bytes, { blobHTTPHeaders: { blobContentType: contentType } }));
  }

  async delete(blob: BlobLocation, etag?: string): Promise<void> {
    try {
      await this.#storage(() => this.#blob(blob).deleteIfExists(etag === undefined ? {} : { conditions: { ifMatch: etag } }));
    } catch (error) {
      // Another version is there now: it is not the one this call was about (its own trigger handles it).
      if (hasStatus(error, 412)) return;
      throw error;
    }
  }

  #container(area: BlobArea): ContainerClient {
    return this.#service.getContainerClient(this.#containers[area]);
  }

  #blob(blob: BlobLocation): BlobClient {
    return this.#container(blob.area).getBlobClient(blob.name);
  }

  /** A SAS URL for one blob (`sr=b`): a user-delegation SAS under an identity, a service SAS under an account key. */
  async #sign(client: BlobClient, options: BlobGenerateSasUrlOptions): Promise<string> {
    const signed = { ...options, protocol: this.#protocol };
    if (this.#delegationKeys === undefined) return client.generateSasUrl(signed);
    const key = await this.#storage(() => this.#delegationKeys!.key());
    return client.generateUserDelegationSasUrl(signed, key);
  }

  /** Runs a storage call; no answer, a timeout, throttling or a 5xx becomes `STORAGE.UNAVAILABLE` with retry advice. */
  async #storage<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      throw new DomainError('STORAGE.UNAVAILABLE', {
        message: `Document storage did not answer (${describe(error)}). Nothing was uploaded or stored; request a new upload URL in ${this.#retryAfterSeconds} seconds.`,
        retry: { after: this.#retryAfterSeconds, action: 'retry-upload' },
        cause: error,
      });
    }
  }
}

async function collect(stream: NodeJS.ReadableStream | undefined, maxBytes: number): Promise<Uint8Array> {
  if (stream === undefined) return new Uint8Array();
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string | Uint8Array);
    total += buffer.length;
    if (total > maxBytes) {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw new Error(`The blob has more than ${maxBytes} bytes.`);
    }
    chunks.push(buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function hasStatus(error: unknown, ...statuses: number[]): boolean {
  const status = error instanceof DomainError ? undefined : statusOf(error);
  return status !== undefined && statuses.includes(status);
}

function statusOf(error: unknown): number | undefined {
  return error instanceof RestError ? error.statusCode : undefined;
}

function isUnavailable(error: unknown): boolean {
  if (error instanceof DomainError) return false;
  const status = statusOf(error);
  if (status !== undefined) return status === 408 || status === 429 || status >= 500;
  // No HTTP answer at all: refused, reset, timed out, name not resolved, aborted.
  return error instanceof RestError || (error instanceof Error && /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|socket|timeout|aborted/i.test(`${(error as NodeJS.ErrnoException).code ?? ''} ${error.message} ${error.name}`));
}

function describe(error: unknown): string {
  const status = statusOf(error);
  if (status !== undefined) return `HTTP ${status}`;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code ?? (error instanceof Error ? error.name : 'no answer');
}
