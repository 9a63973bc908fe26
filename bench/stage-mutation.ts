/**
 * Stage transitions through the local host's HTTP API at 1, 8 and 32 concurrent clients against
 * a floor measured in the same run on the same Cosmos DB server: a raw `@azure/cosmos` point read
 * plus conditional replace of an application document. The host runs in its own process
 * (`support/bench-host.ts`), the clients and the floor in this one; floor and API alternate in
 * short windows so that the machine's noise hits both. Run twice: host silent (as in tests) and
 * with its request log on (as `npm start` runs it). Also counts the Cosmos DB operations of an
 * uncontended mutation, on the request path and in the background, and the size of a 6-stage
 * application document with feedback.
 */
import type { Container } from '@azure/cosmos';
import { ok, startHostProcess, withoutSystemFields, type HostProcess } from './support/host-process.ts';
import type { HostStats } from './support/host-protocol.ts';
import { markdown, type Counted, type HostRun, type Level } from './stage-mutation-report.ts';
import { measureWindow, sampleInTurn, spread, type WindowStats } from './support/measure.ts';

const TENANT = 'bench';
/** The floor's documents: copies of the clients' applications in a tenant of their own, outbox empty. */
const FLOOR_TENANT = 'bench-floor';

interface Client {
  readonly applicationId: string;
  readonly stageId: string;
  readonly candidateToken: string;
  readonly floorId: string;
  pending: boolean;
}


export async function runStageMutationBench(options: { seconds?: number; windows?: number; levels?: number[]; paced?: number; requestLogRun?: boolean } = {}): Promise<{ markdown: string }> {
  const seconds = options.seconds ?? Number(process.env['BENCH_SECONDS'] ?? 2);
  const windows = options.windows ?? Number(process.env['BENCH_WINDOWS'] ?? 5);
  const levels = options.levels ?? [1, 8, 32];
  const paced = options.paced ?? 30;
  const quiet = await onHost(false, levels, seconds, windows, paced);
  const runs = options.requestLogRun === false ? [quiet] : [quiet, await onHost(true, levels, seconds, windows, paced)];
  return { markdown: markdown(runs, seconds, windows) };
}

async function onHost(requestLog: boolean, levels: readonly number[], seconds: number, windows: number, pacedCount: number): Promise<HostRun> {
  const host = await startHostProcess({ requestLog });
  try {
    await host.settle();
    const rssEmpty = (await host.stats()).rssBytes;
    const applications = host.database.container('applications');
    const recruiter = await host.token('recruiter', TENANT, 'rec-1');
    const clients = await prepareClients(host, recruiter, Math.max(...levels));
    const floorOp = (i: number) => floorMutation(applications, clients[i]!.floorId);
    const apiOp = (i: number) => apiMutation(host, clients[i]!, recruiter);

    // Warm-up: connections, metadata caches, JIT, on both sides; the outboxes fill up meanwhile.
    await measureWindow(Math.min(8, clients.length), 1, apiOp);
    await host.settle(TENANT);
    await copyForFloor(applications, clients);
    await measureWindow(Math.min(8, clients.length), 1, floorOp);
    await host.settle(TENANT);

    const results: Level[] = [];
    let mutations = 0;
    const logStart = host.logBytes();
    for (const level of levels) {
      const floor: WindowStats[] = [];
      const api: WindowStats[] = [];
      const failures: Record<string, number> = {};
      const counted = emptyCount();
      for (let w = 0; w < windows; w += 1) {
        await host.settle(TENANT);
        floor.push(await measureWindow(level, seconds, floorOp));
        await host.settle(TENANT);
        await host.reset();
        const window = await measureWindow(level, seconds, async (i) => {
          const failure = await apiOp(i);
          if (failure !== undefined) failures[failure] = (failures[failure] ?? 0) + 1;
        });
        api.push(window);
        await host.settle(TENANT);
        addCounts(counted, await host.reset(), window.ops);
      }
      mutations += counted.mutations;
      results.push({ clients: level, floor, api, failures, perMutation: counted });
    }
    const logBytesPerMutation = (host.logBytes() - logStart) / Math.max(1, mutations);
    if (requestLog) return { requestLog, levels: results, logBytesPerMutation, rssEmpty, rssAfter: (await host.stats()).rssBytes, mutations };

    const paced = await pacedMutations(host, clients[0]!, recruiter, applications, pacedCount);
    const candidateRead = await candidateReads(host, applications, clients[0]!);
    const sizes = {
      api: await meanBytes(clients.map((client) => documentBytes(applications, TENANT, client.applicationId))),
      floor: await meanBytes(clients.map((client) => documentBytes(applications, FLOOR_TENANT, client.floorId))),
      sixStages: await sixStageDocumentBytes(host, recruiter),
    };
    return { requestLog, levels: results, logBytesPerMutation, rssEmpty, rssAfter: (await host.stats()).rssBytes, mutations: mutations + paced.mutations, paced, candidateRead, sizes };
  } finally {
    await host.stop();
  }
}

/** Per client: an application with a scheduled live interview. */
async function prepareClients(host: HostProcess, recruiter: string, count: number): Promise<Client[]> {
  const clients: Client[] = [];
  for (let i = 0; i < count; i += 1) {
    const candidateId = `cand-${i}`;
    const app = (await ok(host.api('/applications', recruiter, { jobId: 'bench-job', candidateId }))) as { id: string };
    const { stage } = (await ok(host.api(`/applications/${app.id}/stages`, recruiter, { type: 'live_interview', data: { recruiterId: 'rec-1' } }))) as { stage: { id: string } };
    await host.schedule({ tenantId: TENANT, candidateId, applicationId: app.id, stageId: stage.id, n: i });
    clients.push({ applicationId: app.id, stageId: stage.id, candidateToken: await host.token('candidate', TENANT, candidateId), floorId: `floor-${i}`, pending: false });
  }
  return clients;
}

/**
 * Each client's floor document: a copy of its application as it stands, of the same size, in a
 * tenant of its own; its outbox is kept under another name (`heldOutbox`) so that the outbox
 * publisher has nothing to send for it.
 */
async function copyForFloor(applications: Container, clients: readonly Client[]): Promise<void> {
  for (const client of clients) {
    const { resource } = await applications.item(client.applicationId, [TENANT, client.applicationId]).read<Record<string, unknown>>();
    const copy = { ...withoutSystemFields(resource!), id: client.floorId, applicationId: client.floorId, tenantId: FLOOR_TENANT, outbox: [], heldOutbox: resource!['outbox'] };
    await applications.items.create(copy);
  }
}

/** The floor: one point read and one conditional replace of the same document, raw SDK. */
async function floorMutation(applications: Container, id: string): Promise<void> {
  const item = applications.item(id, [FLOOR_TENANT, id]);
  const { resource, etag } = await item.read();
  try {
    await item.replace(resource!, { accessCondition: { type: 'IfMatch', condition: etag! } });
  } catch (error) {
    if ((error as { code?: number }).code !== 412) throw error;
  }
}

/**
 * One stage transition: the candidate asks to reschedule, then the recruiter denies, in turn per
 * client (`pending` follows the stage, so a failed request does not desynchronise the rest).
 * Returns `status code` of a non-200 answer.
 */
async function apiMutation(host: HostProcess, client: Client, recruiter: string): Promise<string | undefined> {
  const path = `/applications/${client.applicationId}/stages/${client.stageId}/actions/`;
  const response = client.pending
    ? await host.api(`${path}deny_reschedule`, recruiter, { reason: 'No other slot' })
    : await host.api(`${path}request_reschedule`, client.candidateToken, { reason: 'Clash with another interview' });
  const body = (await response.json()) as { code?: string };
  if (response.status !== 200) return `${response.status} ${body.code ?? ''}`;
  client.pending = !client.pending;
  return undefined;
}

/**
 * Mutations one at a time, each after the host settled from the previous one: what one
 * uncontended mutation costs, and how long it takes with no background work running, against
 * a floor operation timed the same way (settled before each).
 */
async function pacedMutations(host: HostProcess, client: Client, recruiter: string, applications: Container, count: number): Promise<Counted & { apiP50: number; floorP50: number }> {
  const counted = emptyCount();
  const api: number[] = [];
  const floor: number[] = [];
  for (let n = 0; n < count; n += 1) {
    await host.settle(TENANT);
    let started = performance.now();
    await floorMutation(applications, client.floorId);
    floor.push(performance.now() - started);
    await host.settle(TENANT);
    await host.reset();
    started = performance.now();
    const failure = await apiMutation(host, client, recruiter);
    api.push(performance.now() - started);
    if (failure !== undefined) throw new Error(`paced mutation failed: ${failure}`);
    await host.settle(TENANT);
    addCounts(counted, await host.reset(), 1);
  }
  return { ...counted, apiP50: spread(api).median, floorP50: spread(floor).median };
}

/** `GET /api/applications/{id}` (candidate) against a raw point read, sequential, in turn. */
async function candidateReads(host: HostProcess, applications: Container, client: Client) {
  await host.settle(TENANT);
  const rounds = 200;
  await host.reset();
  const samples = await sampleInTurn(rounds, {
    raw: async () => void (await applications.item(client.applicationId, [TENANT, client.applicationId]).read()),
    api: async () => {
      const response = await host.api(`/applications/${client.applicationId}`, client.candidateToken);
      if (response.status !== 200) throw new Error(`candidate read answered ${response.status}`);
      await response.arrayBuffer();
    },
  });
  const { meter } = await host.reset();
  const median = (values: number[]) => spread(values).median;
  return { apiP50: median(samples.api), rawP50: median(samples.raw), requests: perOp(meter, rounds) };
}

/**
 * Issue 9.4: the stored size of an application through six stages with feedback — an
 * assignment with a link artifact and one cancelled, three live interviews scheduled and
 * completed with two scorecards each, and an accepted offer completed (an assignment is passed
 * only after an uploaded submission and an `offer` needs an uploaded letter: both need the
 * documents capability's uploads, left out here).
 */
async function sixStageDocumentBytes(host: HostProcess, recruiter: string): Promise<number> {
  const candidateId = 'cand-six';
  const candidate = await host.token('candidate', TENANT, candidateId);
  const app = (await ok(host.api('/applications', recruiter, { jobId: 'bench-job', candidateId }))) as { id: string };
  const stage = async (body: unknown) => ((await ok(host.api(`/applications/${app.id}/stages`, recruiter, body))) as { stage: { id: string } }).stage.id;
  const act = (stageId: string, action: string, token: string, body: unknown = {}) => ok(host.api(`/applications/${app.id}/stages/${stageId}/actions/${action}`, token, body));
  const takeHome = await stage({ type: 'assignment', data: { instructions: 'Build a small REST service with tests; half a day at most.', reviewerIds: ['int-1'] } });
  await act(takeHome, 'add_artifact', recruiter, { artifact: { url: 'https://example.com/briefs/rest-service.pdf', title: 'Brief' } });
  const review = await stage({ type: 'assignment', data: { instructions: 'Review the attached pull request and write up your findings.' } });
  await act(review, 'cancel', recruiter, { reason: 'Replaced by the take-home' });
  for (let n = 0; n < 3; n += 1) {
    const id = await stage({ type: 'live_interview', data: { recruiterId: 'rec-1' } });
    await host.schedule({ tenantId: TENANT, candidateId, applicationId: app.id, stageId: id, n: 1000 + n });
    await act(id, 'complete', recruiter);
    for (const interviewer of ['int-1', 'int-2']) {
      const token = await host.token('interviewer', TENANT, interviewer);
      await ok(host.api(`/applications/${app.id}/stages/${id}/feedback`, token, { rating: 4, recommendation: 'yes', notes: 'Clear reasoning, good questions about the team and the product.' }));
    }
  }
  await act(await stage({ type: 'offer_accepted', data: {} }), 'complete', candidate);
  await host.settle(TENANT);
  return documentBytes(host.database.container('applications'), TENANT, app.id);
}

async function documentBytes(applications: Container, tenant: string, id: string): Promise<number> {
  const { resource } = await applications.item(id, [tenant, id]).read();
  return Buffer.byteLength(JSON.stringify(resource), 'utf8');
}

async function meanBytes(sizes: readonly Promise<number>[]): Promise<number> {
  const all = await Promise.all(sizes);
  return Math.round(all.reduce((sum, n) => sum + n, 0) / all.length);
}

const emptyCount = (): Counted => ({ mutations: 0, operations: {}, meter: {}, brokerJournal: {} });

function addCounts(into: Counted, stats: HostStats, mutations: number): void {
  (into as { mutations: number }).mutations += mutations;
  for (const key of ['operations', 'meter', 'brokerJournal'] as const) {
    for (const [name, value] of Object.entries(stats[key])) into[key][name] = (into[key][name] ?? 0) + value;
  }
}

function perOp(counts: Readonly<Record<string, number>>, ops: number): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([key, value]) => [key, ops === 0 ? 0 : value / ops]));
}
