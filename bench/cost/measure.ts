/** Measuring one hiring pipeline on the local host (loopback only): what `node bench/cost-model.ts` runs. */
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import { Agent } from 'node:https';
import { CosmosClient } from '@azure/cosmos';
import { startLocalHost } from '../../local/host/local-host.ts';
import { signDevToken } from '../../local/dev-issuer.ts';
import { operationOf } from '../../local/cosmos/cosmos-faults.ts';
import { functionRegistry } from '../../local/host/function-registry.ts';
import { completeEndedCalls } from '../../shared/scheduling/use-cases/sync/poll-calendars.ts';
import { containers as containerDefinitions, type ContainerDefinition } from '../../shared/platform/cosmos-containers.ts';

/** The paths a container indexes (`indexedPaths`), or undefined for the default policy (every path). */
const indexedPathsOf = (container: string): readonly string[] | undefined =>
  (containerDefinitions as readonly ContainerDefinition[]).find((definition) => definition.id === container)?.indexedPaths;
import { pdf } from '../../test/support/document-files.ts';
import { MINUTES_PER_MONTH, createRu, deleteRu, indexTerms, patchRu, readRu, replaceRu, termCount, termDiff } from './rules.ts';
import { type ContainerSizeFigure, type CosmosOperationFigure, type Measurement } from './measurement.ts';
import { sum } from './model.ts';

interface CosmosEvent {
  readonly container: string;
  readonly operation: string;
  /** Persisted bytes before system properties (added later): the document written, read or deleted. */
  readonly bytes: number;
  readonly oldBytes: number;
  readonly terms: number;
  readonly removed: number;
  readonly added: number;
}

/** The request units of one counted request by the published rules (`overhead`: bytes of the system properties Cosmos DB adds). */
function ruOfEvent(e: CosmosEvent, overhead: number): number {
  const bytes = e.bytes + overhead;
  switch (e.operation) {
    case 'read':
      return readRu(e.bytes === 0 ? 0 : bytes);
    case 'create':
    case 'upsert':
    case 'replace':
      return e.oldBytes === 0 ? createRu(bytes, e.terms) : replaceRu(e.oldBytes + overhead, bytes, e.removed, e.added);
    case 'patch':
      return patchRu(bytes, e.removed, e.added);
    case 'delete':
      return deleteRu(bytes, e.terms);
    default:
      return 0;
  }
}

interface DocState {
  readonly bytes: number;
  readonly terms: Map<string, number>;
}

const PROBE_HEADER = 'x-stageline-cost-probe';

const TIMER_RUNS_PER_MONTH: Readonly<Record<string, number>> = { outboxSweeper: MINUTES_PER_MONTH, calendarHoldSweeper: MINUTES_PER_MONTH, calendarPoll: MINUTES_PER_MONTH / 5 };

/**
 * Drives `pipelines` hiring pipelines (after one warm-up pipeline that is not counted) through the
 * local host and returns the per-pipeline averages, then runs each timer once, idle. Loopback
 * only: the host, its Cosmos DB server, Azurite, the Calendar fake and the webhook receiver all
 * listen on 127.0.0.1.
 */
export async function measure(options: { readonly pipelines?: number; readonly log?: (line: string) => void } = {}): Promise<Measurement> {
  const pipelines = options.pipelines ?? 3;
  const say = options.log ?? (() => undefined);

  // Loopback receivers for the generic webhook and the Google Chat space.
  let received = 0;
  const receiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received += 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverPort = (receiver.address() as { port: number }).port;

  const dataDir = mkdtempSync(join(tmpdir(), 'stageline-cost-'));
  const host = await startLocalHost({ dataDir, port: 0, servicePorts: 'ephemeral', log: () => undefined });
  const settings = host.settings;
  const raw = new CosmosClient({
    endpoint: settings['CosmosConnection__accountEndpoint']!,
    key: settings['CosmosConnection__key']!,
    agent: new Agent({ keepAlive: true, ca: readFileSync(settings['CosmosConnection__caCertificatePath']!, 'utf8') }),
    // The model's own probes (upload status, document counts and sizes) are marked and not counted.
    defaultHeaders: { [PROBE_HEADER]: '1' },
  });
  const database = raw.database('stageline');
  try {
    // --- counters -------------------------------------------------------------------------
    let counting = false;
    let lastCosmosAt = Date.now();
    let lastCosmosWhat = '';
    const events: CosmosEvent[] = [];
    const docs = new Map<string, DocState>();
    const faults = host.cosmosFaults as unknown as { take(request: { method: string; url: string; headers: Record<string, string | string[] | undefined>; body: Buffer }): unknown };
    const take = faults.take.bind(faults);
    faults.take = (request) => {
      try {
        recordCosmos(request);
      } catch {
        // a request the counter does not understand is still served
      }
      return take(request);
    };
    function recordCosmos(request: { method: string; url: string; headers: Record<string, string | string[] | undefined>; body: Buffer }): void {
      if (request.headers[PROBE_HEADER] !== undefined) return;
      const segments = request.url.split('?')[0]!.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
      const container = segments[3] ?? '(account)';
      let operation: string = operationOf(request as never) ?? 'metadata';
      // The quiesce loop's own pokes make the trigger read the (empty) change feed: not activity.
      if (operation !== 'changeFeed') {
        lastCosmosAt = Date.now();
        lastCosmosWhat = `${request.method} ${request.url}`;
      }
      if (String(request.headers['x-ms-cosmos-is-query-plan-request'] ?? '').toLowerCase() === 'true') operation = 'queryPlan';
      const pk = String(request.headers['x-ms-documentdb-partitionkey'] ?? '');
      const record = (event: Omit<CosmosEvent, 'container' | 'operation'>): void => {
        if (counting) events.push({ container, operation, ...event });
      };
      if (operation === 'create' || operation === 'upsert' || operation === 'replace') {
        const document = JSON.parse(request.body.toString('utf8')) as { id: string };
        const key = `${container}|${pk}|${document.id}`;
        const bytes = Buffer.byteLength(request.body);
        const terms = indexTerms(document, indexedPathsOf(container));
        const before = docs.get(key);
        docs.set(key, { bytes, terms });
        if (before === undefined || operation === 'create') {
          record({ bytes, oldBytes: 0, terms: termCount(terms), removed: 0, added: termCount(terms) });
          return;
        }
        const diff = termDiff(before.terms, terms);
        record({ bytes, oldBytes: before.bytes, terms: termCount(terms), removed: diff.removed, added: diff.added });
        return;
      }
      if (operation === 'read' || operation === 'delete') {
        const key = `${container}|${pk}|${segments[5] ?? ''}`;
        const state = docs.get(key);
        if (operation === 'delete') docs.delete(key);
        record({ bytes: state?.bytes ?? 0, oldBytes: 0, terms: state === undefined ? 0 : termCount(state.terms), removed: 0, added: 0 });
        return;
      }
      record({ bytes: 0, oldBytes: 0, terms: 0, removed: 0, added: 0 });
    }

    const executions = new Map<string, { trigger: string; count: number; ms: number }>();
    let suppressTimers = true;
    const originals = new Map<string, (input: unknown, context: unknown) => unknown>();
    for (const fn of functionRegistry().functions) {
      const original = fn.handler as (input: unknown, context: unknown) => unknown;
      originals.set(fn.name, original);
      const trigger = String(fn.trigger.type);
      (fn as { handler: unknown }).handler = async (input: unknown, context: unknown) => {
        if (trigger === 'timerTrigger' && suppressTimers) return undefined;
        const started = performance.now();
        try {
          return await original(input, context);
        } finally {
          if (counting) {
            const entry = executions.get(fn.name) ?? { trigger, count: 0, ms: 0 };
            entry.count += 1;
            entry.ms += performance.now() - started;
            executions.set(fn.name, entry);
          }
        }
      };
    }

    const sends: Record<string, number> = {};
    const deliveries: Record<string, number> = {};
    let scheduled = 0;
    let settlements = 0;
    let atsSyncCopies = 0;
    const broker = host.broker as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const wrap = (name: string, after: (args: unknown[], result: unknown) => void): void => {
      const original = broker[name]!.bind(host.broker);
      broker[name] = async (...args: unknown[]) => {
        const result = await original(...args);
        if (counting) after(args, result);
        return result;
      };
    };
    wrap('send', ([entity, messages]) => {
      for (const message of messages as Array<{ scheduledEnqueueTimeUtc?: Date }>) {
        sends[entity as string] = (sends[entity as string] ?? 0) + 1;
        if (message.scheduledEnqueueTimeUtc !== undefined) scheduled += 1;
        if (entity === 'stage-events') atsSyncCopies += 1;
      }
    });
    wrap('receive', ([path], result) => {
      const n = (result as unknown[]).length;
      if (n > 0) deliveries[path as string] = (deliveries[path as string] ?? 0) + n;
    });
    for (const name of ['complete', 'abandon', 'deadLetter']) wrap(name, () => void (settlements += 1));

    const blob = { writes: 0, reads: 0, other: 0, deletes: 0, documentWrites: 0 };
    const blobs = host.services.blobs as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const wrapBlob = (name: string, count: (args: unknown[]) => void): void => {
      const original = blobs[name]!.bind(host.services.blobs);
      blobs[name] = async (...args: unknown[]) => {
        if (counting) count(args);
        return original(...args);
      };
    };
    wrapBlob('uploadUrl', () => void (blob.other += 1)); // exists()
    wrapBlob('inspect', () => void (blob.other += 1)); // getProperties()
    wrapBlob('read', () => void (blob.reads += 1)); // download of the exact version
    wrapBlob('write', ([location]) => {
      blob.writes += 1;
      if ((location as { area: string }).area === 'documents') blob.documentWrites += 1;
    });
    wrapBlob('delete', () => void (blob.deletes += 1));

    // --- the people and the tenant ------------------------------------------------------------
    const tenant = 'acme';
    const token = (role: 'recruiter' | 'candidate' | 'interviewer' | 'admin', sub: string) => signDevToken(dataDir, { role, tenant, sub });
    const recruiter = await token('recruiter', 'rec-1');
    const interviewer = await token('interviewer', 'int-1');
    const admin = await token('admin', 'adm-1');
    let calls = 0;
    const api = async (path: string, tokenValue: string, json?: unknown, method?: string): Promise<{ status: number; body: any }> => {
      if (counting) calls += 1;
      const response = await fetch(`${host.baseUrl}/api${path}`, {
        method: method ?? (json === undefined ? 'GET' : 'POST'),
        headers: { authorization: `Bearer ${tokenValue}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
        redirect: 'manual',
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
    };
    const expect = async (what: string, answer: Promise<{ status: number; body: any }>, status: number): Promise<any> => {
      const got = await answer;
      if (got.status !== status) throw new Error(`${what} answered ${got.status}: ${JSON.stringify(got.body)}`);
      return got.body;
    };
    const calendarRequests = async (): Promise<number> => ((await (await fetch(`${host.calendar.rootUrl}_fake/requests`)).json()) as { requests: unknown[] }).requests.length;

    // Setup (not counted): the recruiter's calendar connection, the tenant's webhook and Chat space.
    const started = await expect('connect', api('/calendar/connect', recruiter, { loginHint: 'rec-1@acme.example' }), 200);
    const consent = await fetch(started.authorizationUrl, { redirect: 'manual' });
    await fetch(consent.headers.get('location')!, { redirect: 'manual' });
    await expect('webhook', api('/manage/webhooks', admin, { kind: 'generic', url: `http://127.0.0.1:${receiverPort}/hook` }), 201);
    await expect('chat', api('/manage/webhooks', admin, { kind: 'google_chat', url: `http://127.0.0.1:${receiverPort}/v1/spaces/S1/messages?key=k` }), 201);

    const brokerIdle = (): boolean =>
      host.broker
        .paths()
        .filter((path) => !path.includes('$deadletterqueue') && !path.endsWith('/ats-sync'))
        .every((path) => {
          const c = host.broker.counts(path);
          return c.active === 0 && c.locked === 0 && c.scheduled === 0;
        });
    const quiesce = async (): Promise<void> => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        host.triggers.pokeChangeFeeds();
        await new Promise((resolve) => setTimeout(resolve, 250));
        if (brokerIdle() && Date.now() - lastCosmosAt > 1500) return;
        if (Date.now() > deadline) {
          const busy = host.broker.paths().filter((path) => !path.includes('$deadletterqueue') && !path.endsWith('/ats-sync')).map((path) => ({ path, ...host.broker.counts(path) })).filter((c) => c.active + c.locked + c.scheduled > 0);
          throw new Error(`the host did not settle within 60 s (busy queues: ${JSON.stringify(busy)}; last Cosmos DB request ${Date.now() - lastCosmosAt} ms ago: ${lastCosmosWhat})`);
        }
      }
    };

      const upload = async (who: string, body: Record<string, unknown>): Promise<string> => {
      const bytes = pdf(`Stageline cost model ${String(body['purpose'])}`);
      const intent = await expect('upload intent', api('/uploads', who, { ...body, fileName: 'document.pdf', contentType: 'application/pdf', sizeBytes: bytes.length }), 201);
      const put = await fetch(intent.uploadUrl, { method: 'PUT', headers: intent.headers, body: bytes });
      await put.arrayBuffer();
      if (put.status !== 201) throw new Error(`PUT answered ${put.status}`);
      if (counting) blob.writes += 1;
      for (let i = 0; i < 200; i++) {
        await host.triggers.scanBlobs();
        const stored = (await database.container('uploadIntents').item(intent.uploadId, intent.uploadId).read()).resource as { status?: string } | undefined;
        if (stored?.status !== undefined && stored.status !== 'pending') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const status = await expect('upload status', api(`/uploads/${intent.uploadId}`, who), 200);
      if (status.status !== 'accepted') throw new Error(`upload ${intent.uploadId} ended ${status.status} (${status.reason ?? ''})`);
      return status.documentId as string;
    };

    /** A person opens a document: the read URL in the view they were given, downloaded from storage (a blob read). */
    const urlOf = (value: unknown, documentId: string): string | undefined => {
      if (typeof value === 'string') return value.startsWith('http') && value.includes(documentId) ? value : undefined;
      if (value === null || typeof value !== 'object') return undefined;
      for (const child of Object.values(value)) {
        const found = urlOf(child, documentId);
        if (found !== undefined) return found;
      }
      return undefined;
    };
    const openDocument = async (view: unknown, documentId: string): Promise<void> => {
      const url = urlOf(view, documentId);
      if (url === undefined) throw new Error(`the view has no read URL for document ${documentId}`);
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`opening document ${documentId} answered ${response.status}`);
      if (counting) blob.reads += 1;
    };

    /** One hiring pipeline: 6 stages, feedback, one booked interview, two uploads, 12 notification events. */
    const pipeline = async (n: number): Promise<void> => {
      const candidateId = `cand-${n}@example.com`;
      const candidate = await token('candidate', candidateId);
      // A one-hour slot a few hours ahead (UTC wall time), so the completion below needs no clock far in the future.
      const hour = Math.ceil(Date.now() / 3_600_000) + 2 + n;
      const wall = (offsetHours: number) => new Date((hour + offsetHours) * 3_600_000).toISOString().slice(0, 16);
      const app = await expect('application', api('/applications', recruiter, { jobId: 'job-1', candidateId }), 201);
      const base = `/applications/${app.id}`;
      const act = (stageId: string, action: string, who: string, payload: unknown = {}) => expect(action, api(`${base}/stages/${stageId}/actions/${action}`, who, payload), 200);

      // 1. Phone screen: slot publish, the candidate books it (hold, events.insert, call + stage), asks to move it (denied), feedback, completed by the calendar sync.
      const slots = await expect('slots', api('/calendar/slots', recruiter, { slots: [{ start: wall(0), end: wall(1), timeZone: 'UTC' }] }), 201);
      const screen = (await expect('screen', api(`${base}/stages`, recruiter, { type: 'live_interview', title: 'Phone screen', data: { recruiterId: 'rec-1', interviewerIds: ['int-1'] } }), 201)).stage.id;
      await expect('stage slots', api(`${base}/stages/${screen}/slots?timeZone=Europe/Paris`, candidate), 200);
      const booked = await expect('schedule', api(`${base}/stages/${screen}/schedule`, candidate, { slotId: slots.slots[0].id }), 200);
      await act(screen, 'request_reschedule', candidate, { reason: 'A clash with my current job' });
      await act(screen, 'deny_reschedule', recruiter, { reason: 'No other slot this week' });
      await expect('feedback', api(`${base}/stages/${screen}/feedback`, interviewer, { rating: 4, recommendation: 'yes', notes: 'Clear communicator, solid basics.' }), 201);
      const after = new Date(Date.parse(booked.call.end) + 60_000).toISOString();
      // The calendar sync's completion step (the 5-minute poll runs it for every connection; its own reads are the timer's fixed cost).
      await completeEndedCalls({ ...host.services.scheduling.deps, clock: { now: () => after } }, tenant, 'rec-1');

      // 2. Take-home: a link artifact, the candidate's submission (upload 1), the recruiter reads it (read URL), feedback, pass.
      const takeHome = (await expect('take-home', api(`${base}/stages`, recruiter, { type: 'assignment', title: 'Take-home', visibleToCandidate: true, data: { instructions: 'Build a small service and explain your choices.' } }), 201)).stage.id;
      await act(takeHome, 'add_artifact', recruiter, { artifact: { url: 'https://example.com/brief', title: 'Brief' } });
      const submission = await upload(candidate, { purpose: 'assignment_submission', applicationId: app.id, stageId: takeHome });
      await openDocument(await expect('read', api(base, recruiter), 200), submission);
      await expect('feedback', api(`${base}/stages/${takeHome}/feedback`, recruiter, { rating: 5, recommendation: 'strong_yes', notes: 'Clean, tested, well explained.' }), 201);
      await act(takeHome, 'pass', recruiter, {});

      // 3. Team interview: added, then waived (cancelled; the calendar-cancellations subscription sees it).
      const team = (await expect('team', api(`${base}/stages`, recruiter, { type: 'live_interview', title: 'Team interview', data: { recruiterId: 'rec-1' } }), 201)).stage.id;
      await act(team, 'cancel', recruiter, { reason: 'Merged into the take-home review' });

      // 4. Reference check: internal (hidden from the candidate), closed by the recruiter.
      const references = (await expect('references', api(`${base}/stages`, recruiter, { type: 'assignment', title: 'Reference check', visibleToCandidate: false, data: { instructions: 'Two references by phone.' } }), 201)).stage.id;
      await act(references, 'cancel', recruiter, { reason: 'References taken by phone' });

      // 5. Offer: the letter (upload 2), the offer, the candidate reads it (read URL) and accepts.
      const letter = await upload(recruiter, { purpose: 'offer_letter', applicationId: app.id });
      const offer = (await expect('offer', api(`${base}/stages`, recruiter, { type: 'offer', data: { offerLetter: { documentId: letter }, salary: { amount: 85_000, currency: 'EUR', period: 'year' }, startDate: wall(24 * 30).slice(0, 10) } }), 201)).stage.id;
      await openDocument(await expect('candidate read', api(base, candidate), 200), letter);
      await act(offer, 'accept', candidate, {});

      // 6. Offer accepted: onboarding, completed by the candidate.
      const onboarding = (await expect('onboarding', api(`${base}/stages`, recruiter, { type: 'offer_accepted', data: {} }), 201)).stage.id;
      await act(onboarding, 'complete', candidate, {});

      // The reads people make along the way: the board page, the candidate's inbox.
      await expect('board', api('/applications?limit=50', recruiter), 200);
      await expect('inbox', api('/me/notifications', candidate), 200);
    };

    say('cost model: warm-up pipeline …');
    await pipeline(0);
    await quiesce();
    const containerIds = containerDefinitions.map((c) => c.id).filter((id) => id !== 'leases');
    const countDocs = async (): Promise<Record<string, number>> => {
      const counts: Record<string, number> = {};
      for (const id of containerIds) counts[id] = (await database.container(id).items.query('SELECT VALUE COUNT(1) FROM c').fetchAll()).resources[0] as number;
      return counts;
    };
    const docsBefore = await countDocs();
    const calendarBefore = await calendarRequests();
    const receivedBefore = received;

    counting = true;
    for (let i = 1; i <= pipelines; i++) {
      say(`cost model: pipeline ${i}/${pipelines} …`);
      await pipeline(i);
      await quiesce();
    }
    counting = false;
    const outbound = (await calendarRequests()) - calendarBefore + (received - receivedBefore);
    const docsAfter = await countDocs();

    // Stored documents: size with system properties, indexed terms.
    const containersFigures: ContainerSizeFigure[] = [];
    let overheadSum = 0;
    let overheadCount = 0;
    for (const definition of containerDefinitions) {
      if (definition.id === 'leases') continue;
      const all = (await database.container(definition.id).items.query('SELECT * FROM c').fetchAll()).resources as Array<Record<string, unknown>>;
      if (all.length === 0) continue;
      const sizes = all.map((d) => Buffer.byteLength(JSON.stringify(d)));
      for (const d of all) {
        const bare = Object.fromEntries(Object.entries(d).filter(([key]) => !key.startsWith('_')));
        overheadSum += Buffer.byteLength(JSON.stringify(d)) - Buffer.byteLength(JSON.stringify(bare));
        overheadCount += 1;
      }
      const ttl = 'defaultTtl' in definition ? (definition as { defaultTtl?: number }).defaultTtl : undefined;
      containersFigures.push({
        container: definition.id,
        documentsPerPipeline: (docsAfter[definition.id]! - docsBefore[definition.id]!) / pipelines,
        avgBytes: sum(sizes) / sizes.length,
        avgTerms: sum(all.map((d) => termCount(indexTerms(d, indexedPathsOf(definition.id))))) / all.length,
        maxBytes: Math.max(...sizes),
        ...(ttl === undefined ? {} : { ttlDays: ttl / 86_400 }),
      });
    }
    const overhead = overheadCount === 0 ? 0 : overheadSum / overheadCount;

    // Request units of every counted request, by the published rules.
    const byKey = new Map<string, { container: string; operation: string; count: number; ru: number; bytes: number }>();
    let applicationWrites = 0;
    let applicationBytes = 0;
    for (const e of events) {
      if (e.container === 'leases' || e.operation === 'changeFeed' || e.operation === 'metadata' || e.operation === 'queryPlan') continue;
      const bytes = e.bytes + overhead;
      const ru = ruOfEvent(e, overhead);
      if (e.container === 'applications' && (e.operation === 'create' || e.operation === 'replace' || e.operation === 'upsert')) {
        applicationWrites += 1;
        applicationBytes += bytes;
      }
      const key = `${e.container}:${e.operation}`;
      const entry = byKey.get(key) ?? { container: e.container, operation: e.operation, count: 0, ru: 0, bytes: 0 };
      entry.count += 1;
      entry.ru += ru;
      entry.bytes += e.operation === 'query' ? 0 : bytes;
      byKey.set(key, entry);
    }
    const cosmos: CosmosOperationFigure[] = [...byKey.values()]
      .filter((e) => e.count > 0)
      .sort((a, b) => (a.container === b.container ? a.operation.localeCompare(b.operation) : a.container.localeCompare(b.container)))
      .map((e) => ({ container: e.container, operation: e.operation, count: e.count / pipelines, ru: e.ru / pipelines, avgBytes: e.count === 0 ? 0 : e.bytes / e.count }));
    const ttlDeletesRu = sum(containersFigures.filter((c) => c.ttlDays !== undefined).map((c) => c.documentsPerPipeline * deleteRu(c.avgBytes, c.avgTerms)));

    // Idle timers: each run once with nothing to do, alone.
    await quiesce();
    suppressTimers = false;
    const timers: Array<{ name: string; perMonth: number; requests: Record<string, number>; ru: number }> = [];
    const context = { log: () => undefined, warn: () => undefined, error: () => undefined, info: () => undefined, debug: () => undefined, trace: () => undefined, triggerMetadata: {}, invocationId: 'cost-model', functionName: '' };
    for (const name of Object.keys(TIMER_RUNS_PER_MONTH)) {
      const original = originals.get(name);
      if (original === undefined) continue;
      events.length = 0;
      counting = true;
      await original({ isPastDue: false, scheduleStatus: {} }, { ...context, functionName: name });
      counting = false;
      const requests: Record<string, number> = {};
      let ru = 0;
      for (const e of events) {
        const key = `${e.container}:${e.operation}`;
        requests[key] = (requests[key] ?? 0) + 1;
        ru += ruOfEvent(e, overhead);
      }
      timers.push({ name, perMonth: TIMER_RUNS_PER_MONTH[name]!, requests, ru });
    }

    const metricsText = await (await fetch(`${host.baseUrl}/metrics`)).text();
    // One exported series per counter/gauge label set and per histogram (Azure Monitor sends a histogram as one record, not per bucket).
    const metricSeries = metricsText.split('\n').filter((line) => line.startsWith('stageline_') && !/^[^{\s]+_(bucket|sum)[{\s]/.test(line)).length;

    const functions = [...executions.entries()]
      .map(([name, e]) => ({ name, trigger: e.trigger, count: e.count / pipelines, avgMs: e.ms / e.count }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const per = (value: number) => value / pipelines;
    const quarantineUploads = per(blob.writes - blob.documentWrites);
    return {
      measuredAt: new Date().toISOString(),
      pipelines,
      node: process.version,
      cosmos,
      containers: containersFigures,
      applicationWrites: per(applicationWrites),
      avgApplicationBytes: applicationWrites === 0 ? 0 : applicationBytes / applicationWrites,
      changeFeedBatches: per(executions.get('outboxPublisher')?.count ?? 0),
      ttlDeletesRu,
      serviceBus: {
        sends: Object.fromEntries(Object.entries(sends).map(([k, v]) => [k, per(v)])),
        scheduled: per(scheduled),
        deliveries: Object.fromEntries(Object.entries(deliveries).map(([k, v]) => [k, per(v)])),
        settlements: per(settlements),
        atsSyncCopies: per(atsSyncCopies),
      },
      functions,
      // Azure's blob trigger (Event Grid source) downloads the blob for the binding: one more read per quarantine blob.
      blob: { writes: per(blob.writes), reads: per(blob.reads) + quarantineUploads, other: per(blob.other), deletes: per(blob.deletes), keptDocuments: per(blob.documentWrites) },
      outboundHttpCalls: per(outbound),
      blobCreatedEvents: per(blob.writes),
      quarantineEvents: quarantineUploads,
      notificationEvents: per(sends['notifications'] ?? 0),
      notificationDeliveries: per(sends['notification-deliveries'] ?? 0),
      timers,
      metricSeries,
    };
  } finally {
    raw.dispose();
    await host.stop();
    await new Promise((resolve) => receiver.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
