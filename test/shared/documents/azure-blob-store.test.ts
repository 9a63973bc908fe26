import { createServer } from 'node:net';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureBlobStore } from '../../../shared/documents/adapters/azure-blob-store.adapter.ts';
import { attachmentDisposition } from '../../../shared/documents/domain/file-name.ts';
import { DomainError } from '../../../shared/platform/errors.ts';
import { DEV_ACCOUNT_KEY, DEV_ACCOUNT_NAME } from '../../../local/azurite/azurite-account.ts';
import { ensureBlobContainers } from '../../../local/azurite/azurite-containers.ts';
import { blobContainers } from '../../../shared/platform/blob-containers.ts';
import { startTestAzurite, type TestAzurite } from '../../local/blob-support/azurite-fixture.ts';
import { startStorageProxy, type StorageProxy } from '../../support/storage-proxy.ts';
import { pdf } from '../../support/document-files.ts';

const put = async (url: string, body: Uint8Array | string, contentType = 'application/pdf') =>
  (await fetch(url, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob', 'content-type': contentType }, body })).status;
const soon = (ms: number) => new Date(Date.now() + ms);

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const connectionTo = (blobEndpoint: string) => `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT_NAME};AccountKey=${DEV_ACCOUNT_KEY};BlobEndpoint=${blobEndpoint};`;

describe('AzureBlobStore against Azurite (account-key SAS, as on the local host)', () => {
  let storage: TestAzurite;
  let store: AzureBlobStore;
  beforeAll(async () => {
    storage = await startTestAzurite('blob-store');
    await ensureBlobContainers(storage.azurite.connectionString, blobContainers);
    store = new AzureBlobStore({ kind: 'connectionString', connectionString: storage.azurite.connectionString });
  });
  afterAll(() => storage?.dispose());

  it('an upload URL creates or overwrites its one blob until it expires, and can do nothing else', async () => {
    const url = await store.uploadUrl({ area: 'quarantine', name: 'acme/u-1' }, { contentType: 'application/pdf', expiresAt: soon(60_000) });
    const params = new URL(url).searchParams;
    expect(Object.fromEntries(params)).toMatchObject({ sp: 'cw', sr: 'b', spr: 'https,http' });
    expect(await put(url, pdf())).toBe(201);
    expect(await put(url, pdf('again'))).toBe(201);
    expect((await fetch(url)).status).toBe(403);
    expect((await fetch(url, { method: 'HEAD' })).status).toBe(403);
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(403);
    expect(await put(url.replace('/acme/u-1?', '/acme/u-2?'), pdf())).toBe(403);
    expect(await put(url.replace('/quarantine/', '/documents/'), pdf())).toBe(403);
    expect(await store.inspect({ area: 'quarantine', name: 'acme/u-2' })).toBeUndefined();
    await expect(store.uploadUrl({ area: 'quarantine', name: 'acme/u-1' }, { contentType: 'application/pdf', expiresAt: soon(60_000) })).rejects.toThrow(/already exists/);
  });

  it('an expired upload URL is refused by storage (403)', async () => {
    const url = await store.uploadUrl({ area: 'quarantine', name: 'acme/late' }, { contentType: 'application/pdf', expiresAt: soon(1_000) });
    const expiry = Date.parse(new URL(url).searchParams.get('se')!);
    await new Promise((resolve) => setTimeout(resolve, expiry - Date.now() + 1_200));
    expect(await put(url, pdf())).toBe(403);
    expect(await store.inspect({ area: 'quarantine', name: 'acme/late' })).toBeUndefined();
  });

  it('a read URL reads one blob, as an attachment with the given type and name, and writes nothing', async () => {
    const bytes = pdf('read me');
    await store.write({ area: 'documents', name: 'acme/d-1' }, bytes, 'application/pdf');
    const disposition = attachmentDisposition('Lebenslauf Müller.pdf');
    const url = await store.readUrl({ area: 'documents', name: 'acme/d-1' }, { expiresAt: soon(60_000), contentType: 'application/pdf', contentDisposition: disposition });
    expect(Object.fromEntries(new URL(url).searchParams)).toMatchObject({ sp: 'r', sr: 'b', rsct: 'application/pdf', rscd: disposition });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(disposition);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
    expect(await put(url, 'overwrite')).toBe(403);
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(403);
    expect((await fetch(url.replace('/acme/d-1?', '/acme/d-2?'))).status).toBe(403);
  });

  it('reads exactly one version, deletes only the version named, and treats a missing blob as a value', async () => {
    const location = { area: 'quarantine', name: 'acme/versions' } as const;
    await store.write(location, Buffer.from('one'), 'text/plain');
    const first = (await store.inspect(location))!;
    expect(first).toMatchObject({ size: 3, etag: expect.stringMatching(/^"/) });
    await store.write(location, Buffer.from('two!'), 'text/plain');
    const second = (await store.inspect(location))!;
    expect(await store.read(location, first.etag, 100)).toBeUndefined();
    expect(Buffer.from((await store.read(location, second.etag, 100))!).toString()).toBe('two!');
    await expect(store.read(location, second.etag, 3)).rejects.toThrow(/more than 3 bytes/);
    await store.delete(location, first.etag);
    expect(await store.inspect(location)).toMatchObject({ etag: second.etag });
    await store.delete(location, second.etag);
    expect(await store.inspect(location)).toBeUndefined();
    await store.delete(location);
    expect(await store.read(location, second.etag, 100)).toBeUndefined();
  });
});

describe('AzureBlobStore when storage does not answer', () => {
  let proxy: StorageProxy;
  beforeAll(async () => {
    proxy = await startStorageProxy();
    proxy.down = true;
  });
  afterAll(() => proxy?.close());

  const expectUnavailable = async (promise: Promise<unknown>) => {
    const error = await promise.then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'STORAGE.UNAVAILABLE', kind: 'unavailable', retry: { after: 15, action: 'retry-upload' } });
    expect((error as DomainError).message).toMatch(/request a new upload URL in 15 seconds/);
    return error as DomainError;
  };

  it('a closed port: minting, inspecting and reading are STORAGE.UNAVAILABLE with retry advice', async () => {
    const store = new AzureBlobStore({ kind: 'connectionString', connectionString: connectionTo(`http://127.0.0.1:${await closedPort()}/${DEV_ACCOUNT_NAME}`) });
    const started = Date.now();
    const error = await expectUnavailable(store.uploadUrl({ area: 'quarantine', name: 'acme/x' }, { contentType: 'application/pdf', expiresAt: soon(60_000) }));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error.message).toMatch(/ECONNREFUSED|REQUEST_SEND_ERROR/);
    await expectUnavailable(store.inspect({ area: 'quarantine', name: 'acme/x' }));
    await expect(store.check()).rejects.toBeDefined();
  });

  it('a storage account answering 503 ServerBusy: STORAGE.UNAVAILABLE after the few quick retries', async () => {
    const store = new AzureBlobStore({ kind: 'connectionString', connectionString: connectionTo(`${proxy.url}/${DEV_ACCOUNT_NAME}`) });
    const before = proxy.refused;
    const error = await expectUnavailable(store.uploadUrl({ area: 'quarantine', name: 'acme/x' }, { contentType: 'application/pdf', expiresAt: soon(60_000) }));
    expect(error.message).toMatch(/HTTP 503/);
    expect(proxy.refused - before).toBe(3);
  });

  it('with a managed identity, the delegation key is fetched from storage: no answer is STORAGE.UNAVAILABLE too', async () => {
    const credential: TokenCredential = { getToken: async (): Promise<AccessToken> => ({ token: 'test-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };
    // The SDK sends bearer tokens over HTTPS only, so the endpoint is an https:// one nobody listens on.
    const store = new AzureBlobStore({ kind: 'identity', blobServiceUri: `https://127.0.0.1:${await closedPort()}/${DEV_ACCOUNT_NAME}`, credential });
    await expectUnavailable(store.readUrl({ area: 'documents', name: 'acme/d' }, { expiresAt: soon(60_000), contentType: 'application/pdf', contentDisposition: 'attachment' }));
  });
});
