/**
 * Fault campaign for calendar scheduling (`npm run faults`; results in docs/reliability.md,
 * section "Calendar"). Through the local host's HTTP API, against the Calendar fake:
 * - 300 schedulings by concurrent candidates (a share of them racing for the same slot), then
 *   100 approved reschedules, while the fake fails about 30 % of Calendar requests: 429,
 *   403 rateLimitExceeded, 500, timeouts (latency past the client timeout) and dropResponse
 *   (the change happens, the answer is lost) on insert and on patch;
 * - every 502 must carry a retry action; the client follows it (same Idempotency-Key) until it
 *   succeeds; then 30 more candidates book during an outage that loses the answers of inserts
 *   it applied, and give up: the sweeper must delete what they left behind;
 * - afterwards, with faults cleared and the sweeper run: 0 duplicate events, 0 live events without
 *   a scheduled call, 0 scheduled stages without their event (at the call's times).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startLocalHost, type LocalHost } from '../../local/host/local-host.ts';
import { signDevToken } from '../../local/dev-issuer.ts';
import { bindSchedulingUseCases } from '../../shared/scheduling/scheduling.module.ts';

const SCHEDULINGS = Number(process.env['FAULT_SCHEDULINGS'] ?? 300);
const RESCHEDULES = Number(process.env['FAULT_RESCHEDULES'] ?? 100);
const CONCURRENCY = Number(process.env['FAULT_CONCURRENCY'] ?? 16);
const RACING_PAIRS = Math.round(SCHEDULINGS / 10);
/** Extra candidates who give up after a failed attempt (never follow the retry action): the sweeper must clean up after them. */
const QUITTERS = Math.round(SCHEDULINGS / 10);
const RECRUITERS = 3;
const TENANT = 'faults';
const TIMEOUT_MS = 1000;
/** Random faults per request; with the outages the injected share comes to about 30 %. */
const RANDOM_SHARE = 0.25;
const OUTAGE_LENGTH = 12;

interface Answer {
  readonly status: number;
  readonly body: any;
  readonly ms: number;
}

interface Outcome {
  readonly attempts: Answer[];
  readonly succeeded: boolean;
  readonly lostRace: boolean;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stageline-faults-'));
  const host = await startLocalHost({
    dataDir,
    port: 0,
    servicePorts: 'ephemeral',
    log: () => undefined,
    settings: { GOOGLE_CALENDAR_TIMEOUT_MS: String(TIMEOUT_MS), CALENDAR_RETRY_BUDGET_MS: '8000', CALENDAR_BACKOFF_BASE_MS: '100' },
  });
  const started = performance.now();
  try {
    const report = await campaign(host, dataDir);
    const seconds = (performance.now() - started) / 1000;
    const markdown = render(report, seconds);
    console.log(markdown);
    writeSection(markdown);
    if (!report.invariantsHold) process.exitCode = 1;
  } finally {
    await host.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function campaign(host: LocalHost, dataDir: string) {
  const api = async (path: string, init: { token: string; method?: string; json?: unknown; key?: string }): Promise<Answer> => {
    const t0 = performance.now();
    const response = await fetch(`${host.baseUrl}/api${path}`, {
      method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
      headers: { authorization: `Bearer ${init.token}`, 'content-type': 'application/json', ...(init.key ? { 'idempotency-key': init.key } : {}) },
      redirect: 'manual',
      ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, ms: performance.now() - t0 };
  };
  const root = host.calendar.rootUrl;
  const control = async (path: string, json?: unknown, method = 'POST') => fetch(`${root}_fake/${path}`, { method, headers: { 'content-type': 'application/json' }, ...(json === undefined ? {} : { body: JSON.stringify(json) }) });
  const token = (role: 'recruiter' | 'candidate', sub: string) => signDevToken(dataDir, { role, tenant: TENANT, sub });

  // Recruiters connect through OAuth and publish enough slots for everyone (and the reschedules).
  const recruiters = Array.from({ length: RECRUITERS }, (_, i) => `rec-${i}`);
  const recruiterTokens = new Map<string, string>();
  const slots = new Map<string, string[]>();
  for (const [i, rec] of recruiters.entries()) {
    const t = await token('recruiter', rec);
    recruiterTokens.set(rec, t);
    const started = await api('/calendar/connect', { token: t, json: { loginHint: `${rec}@faults.example` } });
    const consent = await fetch(started.body.authorizationUrl, { redirect: 'manual' });
    await fetch(consent.headers.get('location')!, { redirect: 'manual' });
    const perRecruiter = Math.ceil((SCHEDULINGS + QUITTERS + RESCHEDULES + 2 * RACING_PAIRS) / RECRUITERS) + 10;
    const ids: string[] = [];
    for (let batch = 0; batch < perRecruiter; batch += 100) {
      const wanted = Array.from({ length: Math.min(100, perRecruiter - batch) }, (_, k) => {
        const n = batch + k;
        const day = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 0, 1) + Math.floor(n / 8) * 86_400_000 + i * 3_600_000).toISOString().slice(0, 10);
        const hour = 8 + (n % 8);
        return { start: `${day}T${String(hour).padStart(2, '0')}:00`, end: `${day}T${String(hour).padStart(2, '0')}:45`, timeZone: ['Europe/London', 'America/New_York', 'Asia/Kolkata'][i]! };
      });
      const published = await api('/calendar/slots', { token: t, json: { slots: wanted } });
      if (published.status !== 201) throw new Error(`publish: ${published.status} ${JSON.stringify(published.body)}`);
      ids.push(...published.body.slots.map((s: { id: string }) => s.id));
    }
    slots.set(rec, ids);
  }

  // Candidates with a live interview each.
  interface Candidate { readonly id: string; readonly token: string; readonly appId: string; readonly stageId: string; readonly recruiter: string; slotId: string }
  const candidates: Candidate[] = [];
  for (let i = 0; i < SCHEDULINGS + QUITTERS; i += 1) {
    const recruiter = recruiters[i % RECRUITERS]!;
    const rec = recruiterTokens.get(recruiter)!;
    const id = `cand-${i}@faults.example`;
    const app = await api('/applications', { token: rec, json: { jobId: 'job-f', candidateId: id } });
    const stage = await api(`/applications/${app.body.id}/stages`, { token: rec, json: { type: 'live_interview', data: { recruiterId: recruiter, interviewerIds: [`int-${i % 5}@faults.example`], durationMinutes: 45 } } });
    candidates.push({ id, token: await token('candidate', id), appId: app.body.id, stageId: stage.body.stage.id, recruiter, slotId: '' });
  }
  const nextSlot = new Map(recruiters.map((rec) => [rec, 0]));
  const takeSlot = (rec: string) => {
    const index = nextSlot.get(rec)!;
    nextSlot.set(rec, index + 1);
    const slot = slots.get(rec)![index];
    if (slot === undefined) throw new Error(`The campaign published too few slots for ${rec}`);
    return slot;
  };
  for (const candidate of candidates) candidate.slotId = takeSlot(candidate.recruiter);
  const quitters = candidates.splice(SCHEDULINGS, QUITTERS);
  // Racing pairs: the second of each pair asks for the first one's slot at the same moment.
  for (let pair = 0; pair < RACING_PAIRS; pair += 1) {
    const a = candidates[pair * 2 * RECRUITERS]!;
    const b = candidates[pair * 2 * RECRUITERS + RECRUITERS]!;
    if (a && b && a.recruiter === b.recruiter) b.slotId = a.slotId;
  }

  // Faults: about 30 % of Calendar requests (each listed fault rolls in turn).
  // quotaExceeded is never retried inside a request: those bookings fail at once with a retry action.
  const insertFaults = [{ status: 429 }, { status: 403, reason: 'rateLimitExceeded' }, { status: 500 }, { latencyMs: TIMEOUT_MS + 500 }, { dropResponse: true }, { status: 403, reason: 'quotaExceeded' }];
  const perInsert = 1 - Math.pow(1 - RANDOM_SHARE, 1 / insertFaults.length);
  for (const fault of insertFaults) await control('faults', { operation: 'events.insert', probability: perInsert, ...fault });
  const patchFaults = [{ status: 429 }, { status: 500 }, { latencyMs: TIMEOUT_MS + 500 }, { dropResponse: true }];
  const perPatch = 1 - Math.pow(1 - RANDOM_SHARE, 1 / patchFaults.length);
  for (const fault of patchFaults) await control('faults', { operation: 'events.patch', probability: perPatch, ...fault });
  for (const operation of ['events.get', 'events.delete']) await control('faults', { operation, probability: RANDOM_SHARE, status: 503 });
  // Short outages: every four seconds the next 12 inserts or patches fail (some requests exhaust their budget and answer 502).
  let outages = 0;
  const outage = setInterval(() => {
    outages += 1;
    void control('faults', { operation: outages % 2 === 0 ? 'events.patch' : 'events.insert', status: 503, times: OUTAGE_LENGTH });
  }, 4000);

  /** Sends a request, then follows every retry action (same Idempotency-Key) until it succeeds. */
  async function withRetries(first: { path: string; json: unknown }, tokenOf: string, key: string, maxAttempts = 20): Promise<Outcome> {
    const attempts: Answer[] = [];
    let request = first;
    for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
      const answer = await api(request.path, { token: tokenOf, json: request.json, key });
      attempts.push(answer);
      if (answer.status === 200 || answer.status === 201) return { attempts, succeeded: true, lostRace: false };
      if (answer.body?.code === 'SLOT.TAKEN') return { attempts, succeeded: false, lostRace: true };
      const action = answer.body?.retry?.action;
      if (answer.status === 502 && action === undefined) return { attempts, succeeded: false, lostRace: false };
      if (action !== undefined) request = { path: String(action.href).replace(/^\/api/, ''), json: action.body };
      await new Promise((done) => setTimeout(done, Math.min(200, (answer.body?.retry?.after ?? 0.05) * 1000)));
    }
    return { attempts, succeeded: false, lostRace: false };
  }

  async function pool<T>(items: readonly T[], work: (item: T, index: number) => Promise<void>): Promise<void> {
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }));
  }

  const scheduling: Outcome[] = [];
  const quitting: Outcome[] = [];
  const requestsBefore = ((await (await control('requests', undefined, 'GET')).json()) as { requests: unknown[] }).requests.length;
  await pool(candidates, async (candidate, index) => {
    let outcome = await withRetries({ path: `/applications/${candidate.appId}/stages/${candidate.stageId}/schedule`, json: { slotId: candidate.slotId } }, candidate.token, `sched-${index}`);
    scheduling.push(outcome);
    if (outcome.lostRace) {
      candidate.slotId = takeSlot(candidate.recruiter);
      outcome = await withRetries({ path: `/applications/${candidate.appId}/stages/${candidate.stageId}/schedule`, json: { slotId: candidate.slotId } }, candidate.token, `sched-${index}-again`);
      scheduling.push(outcome);
    }
  });

  const movers = candidates.slice(0, RESCHEDULES);
  const rescheduling: Outcome[] = [];
  await pool(movers, async (candidate, index) => {
    await api(`/applications/${candidate.appId}/stages/${candidate.stageId}/actions/request_reschedule`, { token: candidate.token, json: { reason: 'Clash' } });
    const target = takeSlot(candidate.recruiter);
    rescheduling.push(await withRetries({ path: `/applications/${candidate.appId}/stages/${candidate.stageId}/reschedule`, json: { slotId: target } }, recruiterTokens.get(candidate.recruiter)!, `move-${index}`));
  });

  clearInterval(outage);
  const requestsMain = ((await (await control('requests', undefined, 'GET')).json()) as { requests: unknown[] }).requests.length;

  // The quitters book during an outage in which half the inserts land but lose their answer: each
  // request ends in a 502 (the event may exist), and they never come back. The sweeper's job.
  await control('faults', undefined, 'DELETE');
  await control('faults', { operation: 'events.insert', dropResponse: true, probability: 0.5 });
  await control('faults', { operation: '*', status: 503 });
  await pool(quitters, async (candidate, index) => {
    quitting.push(await withRetries({ path: `/applications/${candidate.appId}/stages/${candidate.stageId}/schedule`, json: { slotId: candidate.slotId } }, candidate.token, `quit-${index}`, 1));
  });
  const log = ((await (await control('requests', undefined, 'GET')).json()) as { requests: Array<{ operation: string; status: number | 'dropped'; fault?: number }> }).requests.slice(requestsBefore, requestsMain);
  // The booking path's requests; the background syncs' `events.list` are counted apart (never faulted).
  const calendarRequests = log.filter((r) => ['events.insert', 'events.patch', 'events.get', 'events.delete'].includes(r.operation));
  const syncLists = log.filter((r) => r.operation === 'events.list').length;
  await control('faults', undefined, 'DELETE');

  // Settle: the sweeper after the hold time (abandoned bookings), then the outbox and push syncs.
  const pendingBefore = (await host.services.database.container('scheduledCalls').items.query("SELECT VALUE COUNT(1) FROM c WHERE c.status = 'pending'").fetchAll()).resources[0] as number;
  const later = new Date(Date.now() + 3 * 60_000).toISOString();
  const sweep = await bindSchedulingUseCases({ ...host.services.scheduling.deps, clock: { now: () => later } }).sweep();
  await new Promise((done) => setTimeout(done, 1500));

  // Invariants, from the fake's events and what is stored.
  const events = ((await (await control('events', undefined, 'GET')).json()) as { events: Array<{ id: string; status: string; start: { dateTime: string }; end: { dateTime: string }; extendedProperties?: { private?: Record<string, string> } }> }).events;
  const live = events.filter((e) => e.status !== 'cancelled');
  const calls = (await host.services.database.container('scheduledCalls').items.query('SELECT * FROM c').fetchAll()).resources as Array<Record<string, any>>;
  const callById = new Map(calls.map((c) => [c['id'], c]));
  const applications = (await host.services.database.container('applications').items.query('SELECT * FROM c').fetchAll()).resources as Array<Record<string, any>>;
  const stages = applications.flatMap((app) => (app['stages'] as Array<Record<string, any>>).map((stage) => ({ app, stage })));
  const scheduledStages = stages.filter(({ stage }) => stage['status'] === 'scheduled');

  const liveByApplication = new Map<string, number>();
  for (const event of live) {
    const app = event.extendedProperties?.private?.['stagelineApplicationId'] ?? '(none)';
    liveByApplication.set(app, (liveByApplication.get(app) ?? 0) + 1);
  }
  const duplicateEvents = [...liveByApplication.values()].filter((count) => count > 1).reduce((sum, count) => sum + count - 1, 0);
  const eventsWithoutCall = live.filter((event) => {
    const call = callById.get(event.extendedProperties?.private?.['stagelineCallId'] ?? '');
    if (call === undefined || call['status'] !== 'scheduled') return true;
    const stage = stages.find(({ stage: s }) => s['id'] === call['stageId']);
    return stage?.stage['data']['scheduledCallId'] !== call['id'];
  }).length;
  const liveById = new Map(live.map((e) => [e.id, e]));
  const stagesWithoutEvent = scheduledStages.filter(({ stage }) => {
    const call = callById.get(stage['data']['scheduledCallId']);
    const event = call === undefined ? undefined : liveById.get(call['calendarEventId']);
    return event === undefined || Date.parse(event.start.dateTime) !== Date.parse(call!['start']) || Date.parse(stage['data']['call']['start']) !== Date.parse(call!['start']);
  }).length;
  const all = [...scheduling, ...rescheduling];
  const attempts = all.flatMap((o) => o.attempts);
  const failedAnswers = attempts.filter((a) => a.status >= 500);
  const withoutAction = [...failedAnswers, ...quitting.flatMap((o) => o.attempts)].filter((a) => a.status === 502 && a.body?.retry?.action === undefined).length;
  const durations = attempts.map((a) => a.ms).sort((a, b) => a - b);
  const pct = (p: number) => durations[Math.min(durations.length - 1, Math.floor(durations.length * p))] ?? 0;
  const quitterApps = new Set(quitters.map((candidate) => candidate.appId));
  const quittersBooked = quitting.filter((o) => o.succeeded).length;
  const quitterEvents = live.filter((event) => quitterApps.has(event.extendedProperties?.private?.['stagelineApplicationId'] ?? '')).length;
  const invariantsHold =
    duplicateEvents === 0 && eventsWithoutCall === 0 && stagesWithoutEvent === 0 && withoutAction === 0 &&
    scheduledStages.length === SCHEDULINGS + quittersBooked && quitterEvents === quittersBooked &&
    all.every((o) => o.succeeded || o.lostRace) && rescheduling.every((o) => o.succeeded);

  return {
    schedulings: SCHEDULINGS,
    reschedules: movers.length,
    racesLost: scheduling.filter((o) => o.lostRace).length,
    quitters: QUITTERS,
    quittersFailed: quitting.filter((o) => !o.succeeded).length,
    quittersBooked,
    quitterEvents,
    calendarRequests: calendarRequests.length,
    syncLists,
    outages,
    injected: calendarRequests.filter((r) => r.fault !== undefined).length,
    injectedBy: countBy(calendarRequests.filter((r) => r.fault !== undefined).map((r) => `${r.operation} ${r.status}`)),
    answers: countBy(attempts.map((a) => (a.status < 400 ? String(a.status) : `${a.status} ${a.body?.code ?? ''}`.trim()))),
    firstTry: all.filter((o) => o.attempts[0]!.status < 300).length,
    followed: all.reduce((sum, o) => sum + o.attempts.length - 1, 0),
    maxFollowed: Math.max(...all.map((o) => o.attempts.length - 1)),
    succeeded: all.filter((o) => o.succeeded).length,
    withoutAction,
    p50: pct(0.5),
    p95: pct(0.95),
    max: durations.at(-1) ?? 0,
    pendingBefore,
    sweep,
    liveEvents: live.length,
    cancelledEvents: events.length - live.length,
    scheduledStages: scheduledStages.length,
    duplicateEvents,
    eventsWithoutCall,
    stagesWithoutEvent,
    invariantsHold,
  };
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

function render(r: Awaited<ReturnType<typeof campaign>>, seconds: number): string {
  const list = (counts: Record<string, number>) => Object.entries(counts).map(([key, n]) => `${key}: ${n}`).join(' · ');
  return [
    '## Calendar',
    '',
    'Fault campaign `bench/faults/calendar.ts` (`npm run faults`), through the local host\'s HTTP API against the Google Calendar fake, ' +
      `${CONCURRENCY} concurrent clients, Calendar client timeout ${TIMEOUT_MS} ms, retry budget 8 s per request. ` +
      `Last run: ${new Date().toISOString()} · Node ${process.version} · ${availableParallelism()} CPU(s) (${cpus()[0]?.model ?? 'unknown'}) · ${seconds.toFixed(0)} s.`,
    '',
    `- Work: **${r.schedulings} schedulings** by concurrent candidates (${RACING_PAIRS} pairs racing for one slot: ${r.racesLost} lost the race with 409 SLOT.TAKEN and booked another slot), then **${r.reschedules} approved reschedules**.`,
    `- Injected: **${r.injected} of ${r.calendarRequests} Calendar API requests on the booking path (insert, patch, get, delete): ${((100 * r.injected) / Math.max(1, r.calendarRequests)).toFixed(1)} %** — ${list(r.injectedBy)}. \`dropped\`: the change happened, the answer was cut; a \`200\` or \`409\` with a fault: delayed past the client's timeout (Google may still apply it). Random faults at 25 % per request, plus ${r.outages} short outages (${OUTAGE_LENGTH} failed requests in a row each). Background syncs (push-triggered \`events.list\`, not faulted): ${r.syncLists}.`,
    `- Answers to clients: ${list(r.answers)}. First try succeeded: ${r.firstTry} of ${r.schedulings + r.racesLost + r.reschedules} requests; retry actions followed: ${r.followed} (at most ${r.maxFollowed} for one booking).`,
    `- Every failed request answered with a retry action: **${r.withoutAction === 0 ? 'yes' : `no (${r.withoutAction} without)`}**; followed with the same Idempotency-Key, every booking and move succeeded: **${r.succeeded} of ${r.schedulings + r.racesLost + r.reschedules - r.racesLost}**.`,
    `- Request duration (every attempt): p50 ${r.p50.toFixed(0)} ms, p95 ${r.p95.toFixed(0)} ms, max ${r.max.toFixed(0)} ms (budget ~8 s).`,
    `- Then ${r.quitters} more candidates booked during an outage in which half the inserts landed but lost their answer, and gave up after the 502 (never following the retry action): ${r.quittersFailed} failed, ${r.quittersBooked} booked. Left half done by lost answers and given up on: ${r.pendingBefore} pending calls; the sweeper (run two minutes later) released ${r.sweep.released} holds, finished ${r.sweep.rolledForward}, deleted the events of ${r.sweep.undone}, orphaned ${r.sweep.orphaned}, failed ${r.sweep.failed}. Live events of those candidates afterwards: ${r.quitterEvents} (= their bookings).`,
    '',
    '| invariant (after faults cleared and the sweeper ran) | result |',
    '| --- | ---: |',
    `| duplicate events (more than one live event per interview) | **${r.duplicateEvents}** |`,
    `| live events without a scheduled call that its stage references | **${r.eventsWithoutCall}** |`,
    `| scheduled stages without their event (at the call's time) | **${r.stagesWithoutEvent}** |`,
    `| scheduled stages / live events / cancelled events in the fake | ${r.scheduledStages} / ${r.liveEvents} / ${r.cancelledEvents} |`,
    `| events left by candidates who gave up, beyond their bookings | **${r.quitterEvents - r.quittersBooked}** |`,
    '',
    r.invariantsHold ? 'All invariants held.' : '**An invariant failed** (see the numbers above).',
    '',
  ].join('\n');
}

/** Replaces (or adds) the "Calendar" section of docs/reliability.md, leaving the other sections alone. */
function writeSection(section: string): void {
  const path = resolve(import.meta.dirname, '..', '..', 'docs', 'reliability.md');
  const header = '# Reliability\n\nFault campaigns: what each capability does when the services it depends on fail, measured by injecting the failures into the local fakes.\n\n';
  const current = existsSync(path) ? readFileSync(path, 'utf8') : header;
  const start = current.indexOf('## Calendar');
  if (start === -1) {
    writeFileSync(path, `${current.trimEnd()}\n\n${section}`);
    return;
  }
  const next = current.indexOf('\n## ', start + 1);
  writeFileSync(path, `${current.slice(0, start)}${section}${next === -1 ? '' : current.slice(next + 1)}`);
}

await main();
