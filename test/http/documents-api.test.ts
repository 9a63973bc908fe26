import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadIntentResponseSchema, uploadStatusSchema } from '../../shared/documents/api/upload-views.schema.ts';
import { stageResponseSchema, applicationViewSchema } from '../../shared/stages/api/application-views.schema.ts';
import { startApiStack, type ApiStack } from '../support/stage-api.ts';
import { doc, docx, jpeg, pdf, png } from '../support/document-files.ts';
import {
  blobNames, documentIdsOnStages, documentsStorage, metricValue, putFile, rejectionNotices, requestUpload, settledUpload, storedDocument, storedIntent, uploadAndSettle,
  type UploadIntentAnswer,
} from '../support/upload-api.ts';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('documents through the local host: each purpose end to end', () => {
  let api: ApiStack;
  let rec: string;
  let cand: string;
  beforeAll(async () => {
    api = await startApiStack();
    rec = await api.as('recruiter', 'acme', 'rec-1');
    cand = await api.as('candidate', 'acme', 'cand-1');
  });
  afterAll(() => api.stop());

  async function application(candidateId = 'cand-1'): Promise<string> {
    return (await api.call('/applications', { token: rec, json: { jobId: 'job-docs', candidateId } })).body.id;
  }
  async function stage(applicationId: string, body: unknown): Promise<string> {
    const created = await api.call(`/applications/${applicationId}/stages`, { token: rec, json: body });
    expect(created.status).toBe(201);
    return created.body.stage.id;
  }
  const assignment = (applicationId: string, visibleToCandidate = true) => stage(applicationId, { type: 'assignment', visibleToCandidate, data: { instructions: 'Build a small service' } });
  async function download(url: string): Promise<{ status: number; bytes: Buffer; type: string | null; disposition: string | null }> {
    const response = await fetch(url);
    return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()), type: response.headers.get('content-type'), disposition: response.headers.get('content-disposition') };
  }

  it('assignment artifact: the recruiter uploads with the storage SDK; the gate stores, records and attaches it; reads carry a read URL that downloads it', async () => {
    const appId = await application();
    const stageId = await assignment(appId);
    const before = await api.settled(appId);
    const acceptedBefore = await metricValue(api, 'stageline.uploads.accepted', { purpose: 'assignment_artifact' });
    const bytes = docx('The brief');

    const answer = await requestUpload(api, rec, { purpose: 'assignment_artifact', applicationId: appId, stageId, fileName: 'Brief v2.docx', contentType: DOCX, sizeBytes: bytes.length });
    expect(answer.status).toBe(201);
    const intent = uploadIntentResponseSchema.parse(answer.body) as UploadIntentAnswer;
    expect(answer.headers.get('location')).toBe(`/api/uploads/${intent.uploadId}`);
    expect(intent).toMatchObject({ method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob', 'content-type': DOCX }, maxBytes: 5 * 1024 * 1024 });
    const url = new URL(intent.uploadUrl);
    expect(url.pathname).toBe(`/devstoreaccount1/quarantine/acme/${intent.uploadId}`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ sp: 'cw', sr: 'b' });
    expect(Date.parse(url.searchParams.get('se')!)).toBe(Date.parse(intent.expiresAt));
    expect(Date.parse(intent.expiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    expect(await storedIntent(api, intent.uploadId)).toMatchObject({
      state: 'pending', tenantId: 'acme', applicationId: appId, stageId, purpose: 'assignment_artifact', uploader: { role: 'recruiter', id: 'rec-1' },
      fileName: 'Brief v2.docx', declaredContentType: DOCX, declaredSize: bytes.length, blobName: `acme/${intent.uploadId}`,
    });
    expect(await api.call(`/uploads/${intent.uploadId}`, { token: rec })).toMatchObject({ status: 200, body: { uploadId: intent.uploadId, status: 'pending' } });

    expect(await putFile(intent, bytes, 'sdk')).toBe(201);
    const status = await settledUpload(api, rec, intent.uploadId);
    const { documentId } = uploadStatusSchema.parse(status.body);
    expect(status.body).toEqual({ uploadId: intent.uploadId, status: 'accepted', documentId: expect.any(String) });

    expect(await storedIntent(api, intent.uploadId)).toMatchObject({ state: 'accepted', verified: { contentType: DOCX, size: bytes.length, sha256: sha256(bytes) } });
    expect(await storedDocument(api, appId, documentId!)).toMatchObject({
      id: documentId, tenantId: 'acme', applicationId: appId, stageId, purpose: 'assignment_artifact', uploadId: intent.uploadId,
      contentType: DOCX, size: bytes.length, sha256: sha256(bytes), uploader: { role: 'recruiter', id: 'rec-1' }, fileName: 'Brief v2.docx', blobName: `acme/${documentId}`,
    });
    const storage = documentsStorage(api);
    expect(await blobNames(storage.getContainerClient('quarantine'), `acme/${intent.uploadId}`)).toEqual([]);
    expect(await storage.getContainerClient('documents').getBlobClient(`acme/${documentId}`).downloadToBuffer()).toEqual(bytes);

    const stored = await api.settled(appId);
    expect(stored?.['eventSeq']).toBe((before?.['eventSeq'] as number) + 1);
    const storedStage = (stored?.['stages'] as Array<{ id: string; data: any }>).find((s) => s.id === stageId)!;
    expect(storedStage.data.artifacts).toEqual([{ documentId, fileName: 'Brief v2.docx', contentType: DOCX, size: bytes.length }]);
    expect(JSON.stringify(stored)).not.toContain('sig=');
    const timeline = await api.call(`/applications/${appId}/timeline`, { token: rec });
    expect(timeline.body.items.at(-1).event).toMatchObject({ kind: 'stage.transitioned', stageId, action: 'add_artifact', actor: { role: 'recruiter', id: 'rec-1' } });

    for (const token of [rec, cand]) {
      const read = await api.call(`/applications/${appId}/stages/${stageId}`, { token });
      const artifact = stageResponseSchema.parse(read.body).stage.data as { artifacts: Array<{ url?: string }> };
      const link = new URL(artifact.artifacts[0]!.url!);
      expect(Object.fromEntries(link.searchParams)).toMatchObject({ sp: 'r', sr: 'b', rsct: DOCX });
      expect(link.pathname).toBe(`/devstoreaccount1/documents/acme/${documentId}`);
      expect(Date.parse(link.searchParams.get('se')!) - Date.now()).toBeLessThanOrEqual(15 * 60_000);
      const file = await download(link.href);
      expect(file).toMatchObject({ status: 200, type: DOCX, disposition: `attachment; filename="Brief v2.docx"; filename*=UTF-8''Brief%20v2.docx` });
      expect(file.bytes).toEqual(bytes);
      expect((await fetch(link.href, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'x' })).status).toBe(403);
    }
    expect(await metricValue(api, 'stageline.uploads.accepted', { purpose: 'assignment_artifact' })).toBe(acceptedBefore + 1);
    expect(await metricValue(api, 'stageline.uploads.url_latency_count', { purpose: 'assignment_artifact', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
  });

  it('assignment submission: a plain HTTP PUT moves the stage to awaiting_recruiter with data.submissionUrl; a later accepted submission replaces it and is kept in history', async () => {
    const appId = await application();
    const stageId = await assignment(appId);
    const first = pdf('first attempt');
    const second = png();
    const declare = (bytes: Buffer, fileName: string, contentType: string) =>
      requestUpload(api, cand, { purpose: 'assignment_submission', applicationId: appId, stageId, fileName, contentType, sizeBytes: bytes.length });
    const one = (await declare(first, 'solution.pdf', 'application/pdf')).body as UploadIntentAnswer;
    const two = (await declare(second, 'screenshot.png', 'image/png')).body as UploadIntentAnswer;

    expect(await putFile(one, first, 'fetch')).toBe(201);
    const accepted = (await settledUpload(api, cand, one.uploadId)).body;
    expect(accepted.status).toBe('accepted');
    let read = (await api.call(`/applications/${appId}/stages/${stageId}`, { token: cand })).body.stage;
    expect(read).toMatchObject({ status: 'awaiting_recruiter', actionableBy: 'recruiter', data: { submission: { documentId: accepted.documentId, fileName: 'solution.pdf', size: first.length } } });
    expect((await download(read.data.submissionUrl)).bytes).toEqual(first);

    const late = await declare(first, 'again.pdf', 'application/pdf');
    expect(late).toMatchObject({ status: 409, body: { code: 'STAGE.TRANSITION_NOT_ALLOWED', details: { action: 'submit', status: 'awaiting_recruiter' } } });

    expect(await putFile(two, second, 'fetch')).toBe(201);
    const replaced = (await settledUpload(api, cand, two.uploadId)).body;
    expect(replaced.status).toBe('accepted');
    read = (await api.call(`/applications/${appId}/stages/${stageId}`, { token: rec })).body.stage;
    expect(read).toMatchObject({
      status: 'awaiting_recruiter',
      data: {
        submission: { documentId: replaced.documentId, fileName: 'screenshot.png', contentType: 'image/png' },
        submissionHistory: [{ submission: { documentId: accepted.documentId, fileName: 'solution.pdf' }, replacedAt: expect.any(String) }],
      },
    });
    expect((await download(read.data.submissionUrl)).bytes).toEqual(second);
    expect((await download(read.data.submissionHistory[0].submission.url)).bytes).toEqual(first);
    const timeline = (await api.call(`/applications/${appId}/timeline`, { token: rec })).body.items.map((item: any) => item.event);
    expect(timeline.filter((event: any) => event.action === 'submit').map((event: any) => [event.previousStatus, event.stageStatus])).toEqual([
      ['awaiting_candidate', 'awaiting_recruiter'],
      ['awaiting_recruiter', 'awaiting_recruiter'],
    ]);
  });

  it('offer letter: uploaded before the offer, resolved by offer creation; another application\'s letter, another purpose\'s document or none is refused (409) and nothing is written', async () => {
    const appId = await application();
    const otherAppId = await application();
    const letter = pdf('Offer letter');
    const upload = (applicationId: string) =>
      uploadAndSettle(api, rec, { purpose: 'offer_letter', applicationId, fileName: 'Offer – Ada.pdf', contentType: 'application/pdf', sizeBytes: letter.length }, letter);
    const mine = (await upload(appId)).status.body;
    const theirs = (await upload(otherAppId)).status.body;
    expect(mine.status).toBe('accepted');
    expect(await storedDocument(api, appId, mine.documentId)).toMatchObject({ purpose: 'offer_letter', contentType: 'application/pdf' });
    expect(await storedDocument(api, appId, mine.documentId).then((record) => record?.['stageId'])).toBeUndefined();

    const assignmentId = await assignment(appId);
    const submission = await uploadAndSettle(api, cand, { purpose: 'assignment_submission', applicationId: appId, stageId: assignmentId, fileName: 's.pdf', contentType: 'application/pdf', sizeBytes: letter.length }, letter);
    const before = await api.settled(appId);
    for (const [offerLetter, code] of [
      [{ documentId: theirs.documentId }, 'DOCUMENT.NOT_FOUND'],
      [{ documentId: submission.status.body.documentId }, 'DOCUMENT.NOT_FOUND'],
      [{ documentId: '00000000-0000-4000-8000-000000000000' }, 'DOCUMENT.NOT_FOUND'],
      [undefined, 'OFFER.LETTER_REQUIRED'],
    ] as const) {
      const refused = await api.call(`/applications/${appId}/stages`, { token: rec, json: { type: 'offer', data: offerLetter === undefined ? {} : { offerLetter } } });
      expect(refused, JSON.stringify(offerLetter)).toMatchObject({ status: 409, body: { code } });
    }
    expect(await api.raw(appId)).toEqual(before);

    const created = await api.call(`/applications/${appId}/stages`, { token: rec, json: { type: 'offer', data: { offerLetter: { documentId: mine.documentId } } } });
    expect(created.status).toBe(201);
    expect(created.body.stage.data.offerLetter).toEqual({ documentId: mine.documentId, fileName: 'Offer – Ada.pdf', contentType: 'application/pdf', size: letter.length });
    const candidateView = applicationViewSchema.parse((await api.call(`/applications/${appId}`, { token: cand })).body);
    const offer = candidateView.stages.find((s) => s.type === 'offer')!;
    const file = await download((offer.data as { offerLetter: { url: string } }).offerLetter.url);
    expect(file).toMatchObject({ status: 200, type: 'application/pdf', disposition: `attachment; filename="Offer _ Ada.pdf"; filename*=UTF-8''Offer%20%E2%80%93%20Ada.pdf` });
    expect(file.bytes).toEqual(letter);

    expect(await requestUpload(api, rec, { purpose: 'offer_letter', applicationId: appId, fileName: 'offer.docx', contentType: DOCX, sizeBytes: 100 })).toMatchObject({ status: 400, body: { code: 'UPLOAD.TYPE_NOT_ALLOWED' } });
    expect(await requestUpload(api, rec, { purpose: 'offer_letter', applicationId: appId, stageId: assignmentId, fileName: 'offer.pdf', contentType: 'application/pdf', sizeBytes: 100 })).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', details: { issues: [{ path: 'stageId' }] } } });
  });

  it('onboarding documents: each accepted upload is appended to the offer_accepted stage, by the candidate, with a read URL', async () => {
    const appId = await application();
    const stageId = await stage(appId, { type: 'offer_accepted', data: {} });
    const files = [
      { bytes: jpeg(), fileName: 'passport.jpg', contentType: 'image/jpeg' },
      { bytes: doc(), fileName: 'bank details.doc', contentType: 'application/msword' },
    ];
    const ids: string[] = [];
    for (const [index, file] of files.entries()) {
      const { status } = await uploadAndSettle(
        api, cand, { purpose: 'onboarding_document', applicationId: appId, stageId, fileName: file.fileName, contentType: file.contentType, sizeBytes: file.bytes.length }, file.bytes, index === 0 ? 'sdk' : 'fetch',
      );
      expect(status.body.status).toBe('accepted');
      ids.push(status.body.documentId);
    }
    const read = (await api.call(`/applications/${appId}/stages/${stageId}`, { token: cand })).body.stage;
    expect(read.data.onboardingDocuments.map((d: any) => [d.documentId, d.fileName, d.addedBy])).toEqual([
      [ids[0], 'passport.jpg', { role: 'candidate', id: 'cand-1' }],
      [ids[1], 'bank details.doc', { role: 'candidate', id: 'cand-1' }],
    ]);
    for (const [index, document] of read.data.onboardingDocuments.entries()) expect((await download(document.url)).bytes).toEqual(files[index]!.bytes);
    expect(await documentIdsOnStages(api, appId)).toEqual(ids);
  });

  it('who may upload: a role the purpose does not admit is 403, someone else\'s application or a hidden stage is 404, a stage that does not take the document is 409; nothing is stored', async () => {
    const appId = await application();
    const stageId = await assignment(appId);
    const hiddenId = await assignment(appId, false);
    const onboardingId = await stage(appId, { type: 'offer_accepted', data: {} });
    const intentsBefore = await intentCount();
    const body = (purpose: string, stage?: string) => ({ purpose, applicationId: appId, ...(stage === undefined ? {} : { stageId: stage }), fileName: 'f.pdf', contentType: 'application/pdf', sizeBytes: 100 });
    const cases: Array<[string, string, ReturnType<typeof body>, number, string]> = [
      ['candidate uploads an artifact', cand, body('assignment_artifact', stageId), 403, 'AUTH.FORBIDDEN'],
      ['candidate uploads an offer letter', cand, body('offer_letter'), 403, 'AUTH.FORBIDDEN'],
      ['recruiter uploads a submission', rec, body('assignment_submission', stageId), 403, 'AUTH.FORBIDDEN'],
      ['recruiter uploads an onboarding document', rec, body('onboarding_document', onboardingId), 403, 'AUTH.FORBIDDEN'],
      ['interviewer', await api.as('interviewer', 'acme', 'int-1'), body('assignment_artifact', stageId), 403, 'AUTH.FORBIDDEN'],
      ['another candidate', await api.as('candidate', 'acme', 'cand-2'), body('assignment_submission', stageId), 404, 'APPLICATION.NOT_FOUND'],
      ['another tenant\'s recruiter', await api.as('recruiter', 'globex', 'rec-9'), body('assignment_artifact', stageId), 404, 'APPLICATION.NOT_FOUND'],
      ['a stage hidden from the candidate', cand, body('assignment_submission', hiddenId), 404, 'STAGE.NOT_FOUND'],
      ['an unknown stage', cand, body('assignment_submission', 'no-such-stage'), 404, 'STAGE.NOT_FOUND'],
      ['a submission to an onboarding stage', cand, body('assignment_submission', onboardingId), 409, 'STAGE.TRANSITION_NOT_ALLOWED'],
      ['an onboarding document to an assignment', cand, body('onboarding_document', stageId), 409, 'STAGE.TRANSITION_NOT_ALLOWED'],
      ['a submission without its stage', cand, body('assignment_submission'), 400, 'REQUEST.INVALID'],
    ];
    for (const [name, token, request, status, code] of cases) {
      expect(await requestUpload(api, token, request), name).toMatchObject({ status, body: { code } });
    }
    expect(await intentCount()).toBe(intentsBefore);
  });

  it('a candidate never gets a URL of a document on a stage hidden from them; staff do', async () => {
    const appId = await application();
    const hiddenId = await assignment(appId, false);
    const bytes = pdf('internal brief');
    const { status } = await uploadAndSettle(api, rec, { purpose: 'assignment_artifact', applicationId: appId, stageId: hiddenId, fileName: 'internal.pdf', contentType: 'application/pdf', sizeBytes: bytes.length }, bytes);
    const staff = (await api.call(`/applications/${appId}`, { token: rec })).body;
    expect(staff.stages[0].data.artifacts[0]).toMatchObject({ documentId: status.body.documentId, url: expect.stringContaining(`/documents/acme/${status.body.documentId}?`) });
    const board = (await api.call('/applications?jobId=job-docs&limit=200', { token: rec })).body.items.find((item: any) => item.id === appId);
    expect(board.stages[0].data.artifacts[0].url).toContain(status.body.documentId);
    const candidate = await api.call(`/applications/${appId}`, { token: cand });
    expect(candidate.status).toBe(200);
    expect(candidate.body.stages).toEqual([]);
    expect(JSON.stringify(candidate.body)).not.toContain(status.body.documentId);
    expect(await api.call(`/applications/${appId}/stages/${hiddenId}`, { token: cand })).toMatchObject({ status: 404, body: { code: 'STAGE.NOT_FOUND' } });
  });

  it('GET /api/uploads/{uploadId}: its uploader and the tenant\'s recruiters see it; another candidate, another tenant or a made-up id get 404', async () => {
    const appId = await application();
    const stageId = await assignment(appId);
    const intent = (await requestUpload(api, cand, { purpose: 'assignment_submission', applicationId: appId, stageId, fileName: 's.pdf', contentType: 'application/pdf', sizeBytes: 10 })).body;
    expect(await api.call(`/uploads/${intent.uploadId}`, { token: cand })).toMatchObject({ status: 200, body: { uploadId: intent.uploadId, status: 'pending' } });
    expect(await api.call(`/uploads/${intent.uploadId}`, { token: await api.as('admin', 'acme', 'adm-1') })).toMatchObject({ status: 200 });
    for (const token of [await api.as('candidate', 'acme', 'cand-2'), await api.as('recruiter', 'globex', 'rec-1')]) {
      expect(await api.call(`/uploads/${intent.uploadId}`, { token })).toMatchObject({ status: 404, body: { code: 'UPLOAD.NOT_FOUND' } });
    }
    expect(await api.call('/uploads/not-an-upload', { token: rec })).toMatchObject({ status: 404, body: { code: 'UPLOAD.NOT_FOUND' } });
    expect(await api.call(`/uploads/${intent.uploadId}`, { token: await api.as('interviewer', 'acme', 'int-1') })).toMatchObject({ status: 403 });
  });

  it('the trigger fired twice (at once, and again later) attaches once, with one event and one record', async () => {
    const appId = await application();
    const stageId = await stage(appId, { type: 'offer_accepted', data: {} });
    const bytes = pdf('twice');
    const intent = (await requestUpload(api, cand, { purpose: 'onboarding_document', applicationId: appId, stageId, fileName: 'twice.pdf', contentType: 'application/pdf', sizeBytes: bytes.length })).body;
    const before = await api.settled(appId);
    const acceptedBefore = await metricValue(api, 'stageline.uploads.accepted', { purpose: 'onboarding_document' });
    expect(await putFile(intent, bytes)).toBe(201);
    const gate = api.host.services.documents.useCases;
    const outcomes = await Promise.all([gate.runContentGate(`acme/${intent.uploadId}`), gate.runContentGate(`acme/${intent.uploadId}`), api.host.triggers.scanBlobs()]);
    await settledUpload(api, cand, intent.uploadId);
    expect((outcomes.slice(0, 2) as Array<{ outcome: string }>).map((outcome) => outcome.outcome).filter((outcome) => outcome !== 'skipped').every((outcome) => outcome === 'accepted')).toBe(true);
    expect(await gate.runContentGate(`acme/${intent.uploadId}`)).toEqual({ outcome: 'skipped', why: 'gone' });

    const status = (await api.call(`/uploads/${intent.uploadId}`, { token: cand })).body;
    expect(await documentIdsOnStages(api, appId)).toEqual([status.documentId]);
    const after = await api.settled(appId);
    expect(after?.['eventSeq']).toBe((before?.['eventSeq'] as number) + 1);
    expect(await metricValue(api, 'stageline.uploads.accepted', { purpose: 'onboarding_document' })).toBe(acceptedBefore + 1);
  });

  it('a crash between storing the document and attaching it is finished by the next firing; a crash after attaching does not attach twice', async () => {
    const appId = await application();
    const stageId = await assignment(appId);
    const bytes = pdf('resumed');
    const intent = (await requestUpload(api, cand, { purpose: 'assignment_submission', applicationId: appId, stageId, fileName: 'resumed.pdf', contentType: 'application/pdf', sizeBytes: bytes.length })).body;
    const documentId = (await storedIntent(api, intent.uploadId))?.['documentId'] as string;
    const fault = api.host.cosmosFaults.inject({ status: 503, container: 'applications', operation: 'replace' });
    try {
      expect(await putFile(intent, bytes)).toBe(201);
      await expect(api.host.services.documents.useCases.runContentGate(`acme/${intent.uploadId}`)).rejects.toMatchObject({ code: 'DEPENDENCY.UNAVAILABLE' });
      expect(fault.hits).toBeGreaterThan(0);
      // Stored and recorded, not attached; the quarantine blob is still there for the next firing.
      expect(await storedIntent(api, intent.uploadId)).toMatchObject({ state: 'verifying' });
      expect(await storedDocument(api, appId, documentId)).toMatchObject({ id: documentId });
      const storage = documentsStorage(api);
      expect(await blobNames(storage.getContainerClient('documents'), `acme/${documentId}`)).toEqual([`acme/${documentId}`]);
      expect(await blobNames(storage.getContainerClient('quarantine'), `acme/${intent.uploadId}`)).toEqual([`acme/${intent.uploadId}`]);
      expect(await documentIdsOnStages(api, appId)).toEqual([]);
      expect((await api.call(`/uploads/${intent.uploadId}`, { token: cand })).body.status).toBe('pending');
    } finally {
      fault.remove();
    }
    // The next firing attaches, then dies before recording the acceptance: the one after that must not attach again.
    const before = await api.settled(appId);
    const second = api.host.cosmosFaults.inject({ status: 503, container: 'uploadIntents', operation: 'replace' });
    try {
      await expect(api.host.services.documents.useCases.runContentGate(`acme/${intent.uploadId}`)).rejects.toMatchObject({ code: 'DEPENDENCY.UNAVAILABLE' });
      expect(await documentIdsOnStages(api, appId)).toEqual([documentId]);
      expect(await storedIntent(api, intent.uploadId)).toMatchObject({ state: 'verifying' });
    } finally {
      second.remove();
    }
    const status = await settledUpload(api, cand, intent.uploadId);
    expect(status.body).toEqual({ uploadId: intent.uploadId, status: 'accepted', documentId });
    expect(await documentIdsOnStages(api, appId)).toEqual([documentId]);
    expect((await api.settled(appId))?.['eventSeq']).toBe((before?.['eventSeq'] as number) + 1);
    expect((await api.call(`/applications/${appId}/stages/${stageId}`, { token: cand })).body.stage.status).toBe('awaiting_recruiter');
    expect(await blobNames(documentsStorage(api).getContainerClient('quarantine'), `acme/${intent.uploadId}`)).toEqual([]);
  });

  it('a verified upload its stage no longer takes (cancelled meanwhile) is rejected as not_attachable: stored copy and record removed, uploader told', async () => {
    const appId = await application();
    const stageId = await assignment(appId);
    const bytes = pdf('too late');
    const intent = (await requestUpload(api, cand, { purpose: 'assignment_submission', applicationId: appId, stageId, fileName: 'late.pdf', contentType: 'application/pdf', sizeBytes: bytes.length })).body;
    const documentId = (await storedIntent(api, intent.uploadId))?.['documentId'] as string;
    expect((await api.call(`/applications/${appId}/stages/${stageId}/actions/cancel`, { token: rec, json: { reason: 'Role filled' } })).status).toBe(200);
    const before = await api.settled(appId);
    expect(await putFile(intent, bytes)).toBe(201);
    expect((await settledUpload(api, cand, intent.uploadId)).body).toEqual({ uploadId: intent.uploadId, status: 'rejected', reason: 'not_attachable' });
    expect(await storedIntent(api, intent.uploadId)).toMatchObject({ state: 'rejected', reason: 'not_attachable' });
    expect(await storedDocument(api, appId, documentId)).toBeUndefined();
    const storage = documentsStorage(api);
    expect(await blobNames(storage.getContainerClient('documents'), `acme/${documentId}`)).toEqual([]);
    expect(await blobNames(storage.getContainerClient('quarantine'), `acme/${intent.uploadId}`)).toEqual([]);
    expect(await api.raw(appId)).toEqual(before);
    const notices = await rejectionNotices(api);
    expect(notices.filter((notice) => notice['uploadId'] === intent.uploadId)).toEqual([
      { kind: 'upload.rejected', eventId: `upload.rejected:${intent.uploadId}`, tenantId: 'acme', applicationId: appId, stageId, uploadId: intent.uploadId, purpose: 'assignment_submission', reason: 'not_attachable', uploader: { role: 'candidate', id: 'cand-1' }, timestamp: expect.any(String) },
    ]);
  });

  it('upload intents are stage mutations in the making: refused while dynamic stages are off (403) or the flag is unavailable (503)', async () => {
    const appId = await application();
    const stageId = await assignment(appId);
    const body = { purpose: 'assignment_submission', applicationId: appId, stageId, fileName: 's.pdf', contentType: 'application/pdf', sizeBytes: 100 };
    try {
      await api.setFlag('off');
      expect(await requestUpload(api, cand, body)).toMatchObject({ status: 403, body: { code: 'FEATURE.DISABLED' } });
      await api.setFlag('unavailable');
      expect(await requestUpload(api, cand, body)).toMatchObject({ status: 503, body: { code: 'FEATURE.UNAVAILABLE' } });
    } finally {
      await api.setFlag('on');
    }
    expect((await requestUpload(api, cand, body)).status).toBe(201);
  });

  it('the OpenAPI document states the upload limits (size, types) and errors, so clients check them too', async () => {
    const doc = (await api.call('/openapi.json')).body;
    const create = doc.paths['/api/uploads'].post;
    const body = create.requestBody.content['application/json'].schema;
    expect(body.properties.sizeBytes).toMatchObject({ type: 'integer', maximum: 5 * 1024 * 1024 });
    expect(body.properties.contentType.enum).toEqual(['application/pdf', 'application/msword', DOCX, 'image/png', 'image/jpeg']);
    expect(body.properties.purpose.enum).toEqual(['assignment_artifact', 'assignment_submission', 'offer_letter', 'onboarding_document']);
    const codes = (status: number, op = create) => op.responses[String(status)].content['application/json'].schema.allOf[1].properties.code.enum;
    expect(codes(400)).toEqual(expect.arrayContaining(['UPLOAD.TOO_LARGE', 'UPLOAD.TYPE_NOT_ALLOWED', 'REQUEST.INVALID']));
    expect(codes(503)).toEqual(expect.arrayContaining(['STORAGE.UNAVAILABLE']));
    expect(create.responses['201'].content['application/json'].schema.properties.uploadUrl).toMatchObject({ type: 'string', format: 'uri' });
    expect(codes(404, doc.paths['/api/uploads/{uploadId}'].get)).toContain('UPLOAD.NOT_FOUND');
    expect(codes(409, doc.paths['/api/applications/{applicationId}/stages'].post)).toEqual(expect.arrayContaining(['DOCUMENT.NOT_FOUND', 'OFFER.LETTER_REQUIRED']));
  });

  async function intentCount(): Promise<number> {
    const { resources } = await api.host.services.database.container('uploadIntents').items.query('SELECT VALUE COUNT(1) FROM c').fetchAll();
    return resources[0] as number;
  }
});
