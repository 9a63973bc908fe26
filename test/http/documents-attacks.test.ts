import { randomUUID } from 'node:crypto';
import { BlockBlobClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_ACCOUNT_KEY, DEV_ACCOUNT_NAME } from '../../local/azurite/azurite-account.ts';
import { startApiStack, type ApiStack } from '../support/stage-api.ts';
import { exe, pdf } from '../support/document-files.ts';
import { destinationFor, evidenceFor, runUploadAttack, uploadAttacks, type AttackTokens } from '../support/upload-attacks.ts';
import {
  blobNames, documentIdsOnStages, documentsStorage, metricValue, putFile, rejectionNotices, requestUpload, settledUpload, storedDocument, storedIntent, uploadAndSettle,
  type UploadIntentAnswer,
} from '../support/upload-api.ts';
import { blobEndpointOrigin, startStorageProxy, type StorageProxy } from '../support/storage-proxy.ts';

describe('the upload attack set: nothing is attached, nothing leaves quarantine', () => {
  let api: ApiStack;
  let tokens: AttackTokens;
  beforeAll(async () => {
    api = await startApiStack();
    tokens = { recruiter: await api.as('recruiter', 'acme', 'rec-1'), candidate: await api.as('candidate', 'acme', 'cand-1') };
  });
  afterAll(() => api.stop());

  it.each(uploadAttacks.map((attack) => [attack.name, attack] as const))('%s', async (_name, attack) => {
    const reason = 'rejected' in attack.expected ? attack.expected.rejected : undefined;
    const counted = reason === undefined ? 0 : await metricValue(api, 'stageline.uploads.rejections', { reason, purpose: attack.purpose });
    const evidence = await runUploadAttack(api, tokens, attack);
    expect(evidence.outcome).toBe(evidence.expected);
    expect(evidence.attached).toBe(false);
    expect(evidence.outsideQuarantine).toEqual([]);
    expect(evidence.quarantineLeft).toBe(false);
    expect(await documentIdsOnStages(api, evidence.applicationId)).toEqual([]);
    if (reason !== undefined) {
      expect(evidence.noticed).toBe(true);
      expect(await storedIntent(api, evidence.uploadId!)).toMatchObject({ state: 'rejected', reason });
      expect(await metricValue(api, 'stageline.uploads.rejections', { reason, purpose: attack.purpose })).toBe(counted + 1);
      const notice = (await rejectionNotices(api)).find((body) => body['uploadId'] === evidence.uploadId);
      expect(notice).toMatchObject({ kind: 'upload.rejected', eventId: `upload.rejected:${evidence.uploadId}`, tenantId: 'acme', applicationId: evidence.applicationId, purpose: attack.purpose, reason });
    }
  });

  it('the upload URL writes one blob only: another name, a read, a delete, or the documents container are refused (403)', async () => {
    const { applicationId, stageId } = await destinationFor(api, tokens, 'assignment_submission');
    const bytes = pdf('mine');
    const intent = (await requestUpload(api, tokens.candidate, { purpose: 'assignment_submission', applicationId, stageId: stageId!, fileName: 'a.pdf', contentType: 'application/pdf', sizeBytes: bytes.length })).body as UploadIntentAnswer;
    const url = new URL(intent.uploadUrl);
    const elsewhere = (path: string) => `${url.origin}${path}${url.search}`;
    const otherName = elsewhere(`/devstoreaccount1/quarantine/acme/${randomUUID()}`);
    const otherTenant = elsewhere(`/devstoreaccount1/quarantine/globex/${intent.uploadId}`);
    const intoDocuments = elsewhere(`/devstoreaccount1/documents/acme/${intent.uploadId}`);
    for (const target of [otherName, otherTenant, intoDocuments]) {
      expect(await putFile(intent, bytes, 'fetch', target), target).toBe(403);
      expect(await putFile(intent, bytes, 'sdk', target), target).toBe(403);
    }
    expect(await putFile(intent, bytes, 'fetch')).toBe(201);
    expect((await fetch(intent.uploadUrl)).status).toBe(403);
    expect((await fetch(intent.uploadUrl, { method: 'DELETE' })).status).toBe(403);
    await expect(new BlockBlobClient(intent.uploadUrl, undefined, { retryOptions: { maxTries: 1 } }).downloadToBuffer()).rejects.toMatchObject({ statusCode: 403 });
    await expect(new BlockBlobClient(intent.uploadUrl, undefined, { retryOptions: { maxTries: 1 } }).delete()).rejects.toMatchObject({ statusCode: 403 });
    const storage = documentsStorage(api);
    expect(await blobNames(storage.getContainerClient('quarantine'), `globex/`)).toEqual([]);
    expect(await blobNames(storage.getContainerClient('documents'), `acme/${intent.uploadId}`)).toEqual([]);
    expect((await settledUpload(api, tokens.candidate, intent.uploadId)).body.status).toBe('accepted');
  });

  it('a blob no intent covers (written with the account key) is deleted as unknown_upload and goes nowhere', async () => {
    const storage = documentsStorage(api);
    const before = await metricValue(api, 'stageline.uploads.rejections', { reason: 'unknown_upload' });
    const names = [`acme/${randomUUID()}`, 'acme/cv.pdf', `globex/${randomUUID()}`];
    for (const name of names) await storage.getContainerClient('quarantine').getBlockBlobClient(name).uploadData(pdf());
    await api.host.triggers.scanBlobs();
    await api.host.triggers.scanBlobs();
    for (const name of names) expect(await blobNames(storage.getContainerClient('quarantine'), name)).toEqual([]);
    expect(await metricValue(api, 'stageline.uploads.rejections', { reason: 'unknown_upload' })).toBe(before + names.length);
  });

  it('a second blob for a decided intent (the URL reused while still valid) is deleted; the accepted document stays as it was', async () => {
    const { applicationId, stageId } = await destinationFor(api, tokens, 'assignment_submission');
    const bytes = pdf('first and only');
    const { intent, status } = await uploadAndSettle(api, tokens.candidate, { purpose: 'assignment_submission', applicationId, stageId: stageId!, fileName: 'a.pdf', contentType: 'application/pdf', sizeBytes: bytes.length }, bytes);
    expect(status.body.status).toBe('accepted');
    const record = await storedDocument(api, applicationId, status.body.documentId);
    const before = await api.settled(applicationId);

    expect(await putFile(intent, exe())).toBe(201);
    await api.host.triggers.scanBlobs();
    await api.host.triggers.scanBlobs();
    expect(await blobNames(documentsStorage(api).getContainerClient('quarantine'), `acme/${intent.uploadId}`)).toEqual([]);
    expect(await storedIntent(api, intent.uploadId)).toMatchObject({ state: 'accepted' });
    expect(await storedDocument(api, applicationId, status.body.documentId)).toEqual(record);
    expect(await documentsStorage(api).getContainerClient('documents').getBlobClient(`acme/${status.body.documentId}`).downloadToBuffer()).toEqual(bytes);
    expect(await api.raw(applicationId)).toEqual(before);
  });

  const hostileNames: Array<[string, string, string]> = [
    ['path traversal', '../../x.pdf', 'x.pdf'],
    ['a Windows path', 'C:\\Users\\me\\..\\cv.pdf', 'cv.pdf'],
    ['an encoded NUL before .exe', 'a.pdf%00.exe', 'a.pdf_00.exe.pdf'],
    ['a real NUL before .exe', 'a.pdf\u0000.exe', 'a.pdf.exe.pdf'],
    ['2,000 characters', `${'x'.repeat(2000)}.pdf`, `${'x'.repeat(116)}.pdf`],
    ['a right-to-left override', 'invoice\u202Efdp.exe', 'invoicefdp.exe.pdf'],
    ['Unicode letters and an emoji', 'Lebenslauf Müller 履歴書 📄.pdf', 'Lebenslauf Müller 履歴書 📄.pdf'],
    ['a Windows device name', 'CON.pdf', '_CON.pdf'],
    ['dots only', '...', 'document.pdf'],
  ];

  it.each(hostileNames)('a hostile file name (%s) is only ever sanitised metadata; the blob names are the server\'s', async (_label, raw, sanitised) => {
    const { applicationId, stageId } = await destinationFor(api, tokens, 'onboarding_document');
    const bytes = pdf();
    const { intent, status } = await uploadAndSettle(api, tokens.candidate, { purpose: 'onboarding_document', applicationId, stageId: stageId!, fileName: raw, contentType: 'application/pdf', sizeBytes: bytes.length }, bytes);
    expect(new URL(intent.uploadUrl).pathname).toBe(`/devstoreaccount1/quarantine/acme/${intent.uploadId}`);
    expect(status.body.status).toBe('accepted');
    expect(await storedIntent(api, intent.uploadId)).toMatchObject({ fileName: sanitised, blobName: `acme/${intent.uploadId}` });
    expect(await storedDocument(api, applicationId, status.body.documentId)).toMatchObject({ fileName: sanitised, blobName: `acme/${status.body.documentId}` });
    const stage = (await api.call(`/applications/${applicationId}/stages/${stageId}`, { token: tokens.candidate })).body.stage;
    expect(stage.data.onboardingDocuments[0].fileName).toBe(sanitised);
    const download = await fetch(stage.data.onboardingDocuments[0].url);
    expect(download.status).toBe(200);
    const disposition = download.headers.get('content-disposition')!;
    expect(disposition.startsWith('attachment; filename="')).toBe(true);
    expect(decodeURIComponent(disposition.split("filename*=UTF-8''")[1]!)).toBe(sanitised);
    expect(disposition).not.toMatch(/[\u0000-\u001f\u202a-\u202e\u2066-\u2069]/);
    const storage = documentsStorage(api);
    expect(await blobNames(storage.getContainerClient('documents'), `acme/${status.body.documentId}`)).toEqual([`acme/${status.body.documentId}`]);
  });
});

describe('storage down while minting, and an expired upload URL (through a loopback proxy in front of Azurite)', () => {
  let api: ApiStack;
  let proxy: StorageProxy;
  let tokens: AttackTokens;
  beforeAll(async () => {
    proxy = await startStorageProxy();
    api = await startApiStack({
      DocumentsStorage: `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT_NAME};AccountKey=${DEV_ACCOUNT_KEY};BlobEndpoint=${proxy.url}/${DEV_ACCOUNT_NAME};`,
      UPLOAD_URL_TTL_MINUTES: '0.1',
    });
    proxy.target = blobEndpointOrigin(api.host.settings['AzureWebJobsStorage']!);
    tokens = { recruiter: await api.as('recruiter', 'acme', 'rec-1'), candidate: await api.as('candidate', 'acme', 'cand-1') };
  });
  afterAll(async () => {
    await api?.stop();
    await proxy?.close();
  });

  async function intentsOf(applicationId: string): Promise<Array<Record<string, unknown>>> {
    const query = { query: 'SELECT * FROM c WHERE c.applicationId = @id', parameters: [{ name: '@id', value: applicationId }] };
    return (await api.host.services.database.container('uploadIntents').items.query(query).fetchAll()).resources;
  }

  it('storage refusing (503) while the URL is made: 503 STORAGE.UNAVAILABLE with retry advice, the intent kept as failed, nothing else; once it answers, the retry works', async () => {
    const { applicationId } = await destinationFor(api, tokens, 'offer_letter');
    const bytes = pdf('letter');
    const body = { purpose: 'offer_letter', applicationId, fileName: 'offer.pdf', contentType: 'application/pdf', sizeBytes: bytes.length };
    const failedBefore = await metricValue(api, 'stageline.uploads.url_latency_count', { outcome: 'failed' });
    proxy.down = true;
    const refusedBefore = proxy.refused;
    const answer = await requestUpload(api, tokens.recruiter, body);
    expect(answer).toMatchObject({ status: 503, body: { code: 'STORAGE.UNAVAILABLE', retry: { after: 15, action: 'retry-upload' } } });
    expect(answer.body.message).toMatch(/request a new upload URL in 15 seconds/);
    expect(answer.headers.get('retry-after')).toBe('15');
    expect(proxy.refused).toBeGreaterThan(refusedBefore);
    expect(await intentsOf(applicationId)).toEqual([expect.objectContaining({ state: 'failed', failedAt: expect.any(String), purpose: 'offer_letter' })]);
    expect(await metricValue(api, 'stageline.uploads.url_latency_count', { outcome: 'failed' })).toBe(failedBefore + 1);
    expect((await api.call('/health')).body).toMatchObject({ status: 'down' });
    const failedId = (await intentsOf(applicationId))[0]!['id'];
    expect(await api.call(`/uploads/${failedId}`, { token: tokens.recruiter })).toMatchObject({ status: 404, body: { code: 'UPLOAD.NOT_FOUND' } });
    expect(await documentIdsOnStages(api, applicationId)).toEqual([]);

    proxy.down = false;
    const retried = await requestUpload(api, tokens.recruiter, body);
    expect(retried.status).toBe(201);
    expect(retried.body.uploadUrl.startsWith(`${proxy.url}/`)).toBe(true);
    expect(await putFile(retried.body, bytes, 'sdk')).toBe(201);
    expect((await settledUpload(api, tokens.recruiter, retried.body.uploadId)).body.status).toBe('accepted');
  });

  it('a PUT after the URL expired is refused by storage (403); nothing is written and the upload stays pending', async () => {
    const { applicationId, stageId } = await destinationFor(api, tokens, 'assignment_submission');
    const bytes = pdf('late');
    const intent = (await requestUpload(api, tokens.candidate, { purpose: 'assignment_submission', applicationId, stageId: stageId!, fileName: 'late.pdf', contentType: 'application/pdf', sizeBytes: bytes.length })).body as UploadIntentAnswer;
    expect(Date.parse(intent.expiresAt) - Date.now()).toBeLessThanOrEqual(6_000);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(intent.expiresAt) - Date.now()) + 1_500));
    expect(await putFile(intent, bytes, 'fetch')).toBe(403);
    expect(await putFile(intent, bytes, 'sdk')).toBe(403);
    expect(await blobNames(documentsStorage(api).getContainerClient('quarantine'), `acme/${intent.uploadId}`)).toEqual([]);
    await api.host.triggers.scanBlobs();
    expect((await api.call(`/uploads/${intent.uploadId}`, { token: tokens.candidate })).body.status).toBe('pending');
    expect(await evidenceFor(api, applicationId, intent.uploadId)).toMatchObject({ attached: false, outsideQuarantine: [], quarantineLeft: false });
  });
});
