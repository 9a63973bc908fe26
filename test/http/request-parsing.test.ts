import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiStack, type ApiStack } from '../support/stage-api.ts';

/** Sends a POST whose body never ends (a client still uploading); resolves with the answer's status and headers. */
function neverEndingUpload(url: string, headers: Record<string, string>): Promise<{ status: number; connection: string | undefined; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, sent });
      });
    });
    req.on('error', (error) => (sent > 0 ? undefined : reject(error)));
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (sent < 90 * 1024 * 1024 && req.write(chunk)) sent += chunk.length;
    };
    req.on('drain', pump);
    pump();
  });
}

describe('request parsing through the local host', () => {
  let api: ApiStack;
  let rec: string;
  let applicationId: string;
  beforeAll(async () => {
    api = await startApiStack();
    rec = await api.as('recruiter', 'acme', 'rec-1');
    applicationId = (await api.call('/applications', { token: rec, json: { jobId: 'job-p', candidateId: 'cand-1' } })).body.id;
  });
  afterAll(() => api.stop());

  it('refuses an unauthenticated upload from its headers, without reading the body (the upload is still going when the answer comes)', async () => {
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => neverEndingUpload(`${api.baseUrl}/api/applications`, {})),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.connection).toBe('close');
      expect(answer.sent).toBeLessThan(90 * 1024 * 1024);
    }
    expect((await api.call('/health')).status).toBe(200);
  });

  it('answers 413 past a route\'s body cap (256 KB), declared or streamed, writing nothing', async () => {
    const before = await api.settled(applicationId);
    const big = JSON.stringify({ type: 'assignment', data: { instructions: 'x'.repeat(300 * 1024) } });
    const declared = await api.call(`/applications/${applicationId}/stages`, { token: rec, body: big, headers: { 'content-type': 'application/json' } });
    expect(declared).toMatchObject({ status: 413, body: { code: 'REQUEST.TOO_LARGE', details: { maxBytes: 256 * 1024 } } });
    const streamed = await fetch(`${api.baseUrl}/api/applications/${applicationId}/stages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rec}`, 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 10; i += 1) controller.enqueue(new TextEncoder().encode('x'.repeat(64 * 1024)));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as { code: string }).code).toBe('REQUEST.TOO_LARGE');
    expect(await api.raw(applicationId)).toEqual(before);
  });

  it('requires application/json on JSON routes (415), while an empty action body needs no type', async () => {
    const before = await api.settled(applicationId);
    const body = JSON.stringify({ type: 'offer_accepted', data: {} });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']) {
      const answer = await api.call(`/applications/${applicationId}/stages`, { token: rec, body, headers: type === '' ? {} : { 'content-type': type } });
      expect(answer, type).toMatchObject({ status: 415, body: { code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE' } });
    }
    expect(await api.raw(applicationId)).toEqual(before);
    const accepted = await api.call(`/applications/${applicationId}/stages`, { token: rec, body, headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(accepted.status).toBe(201);
    const stageId = accepted.body.stage.id as string;
    const empty = await api.call(`/applications/${applicationId}/stages/${stageId}/actions/complete`, { token: await api.as('candidate', 'acme', 'cand-1'), method: 'POST' });
    expect(empty.status).toBe(200);
  });

  it('refuses control characters, bidi overrides and unpaired surrogates in identifiers, and stores text in NFC', async () => {
    const ids = await api.applicationIds();
    for (const [field, value] of [
      ['jobId', 'job\u0000-1'],
      ['jobId', 'job\u202E1-boj'],
      ['candidateId', 'cand-\uD800'],
      ['candidateId', 'cand\u200B1'],
    ] as const) {
      const answer = await api.call('/applications', { token: rec, json: { jobId: 'job-1', candidateId: 'cand-1', [field]: value } });
      expect(answer, JSON.stringify(value)).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', details: { issues: [{ path: field }] } } });
    }
    expect(await api.applicationIds()).toEqual(ids);
    const surrogate = await api.call(`/applications/${applicationId}/stages`, {
      token: rec,
      body: '{"type":"assignment","title":"Broken \\ud800 title","data":{"instructions":"x"}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(surrogate).toMatchObject({ status: 400, body: { details: { issues: [{ path: 'title' }] } } });

    const decomposed = 'Cafe\u0301 review';
    const created = await api.call(`/applications/${applicationId}/stages`, { token: rec, json: { type: 'assignment', title: decomposed, data: { instructions: `Re\u0301sume\u0301 ${decomposed}` } } });
    expect(created.status).toBe(201);
    const stored = ((await api.raw(applicationId))?.['stages'] as { id: string; title: string; data: { instructions: string } }[]).find((s) => s.id === created.body.stage.id)!;
    expect(stored.title).toBe('Caf\u00e9 review');
    expect(stored.data.instructions).toBe('R\u00e9sum\u00e9 Caf\u00e9 review');
  });
});
