import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataPointType, MetricReader, type DataPoint, type Histogram, type MetricData } from '@opentelemetry/sdk-metrics';
import { sweepStrandedOutboxes } from '../../shared/events/use-cases/sweep-stranded-outboxes.ts';
import type { OutgoingMessage } from '../../shared/events/ports/message-bus.port.ts';
import { startApiStack, type ApiStack } from '../support/stage-api.ts';
import { connectCalendar, fastCalendarSettings } from '../support/calendar-api.ts';
import { startReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';
import { uploadAndSettle, requestUpload, putFile, settledUpload } from '../support/upload-api.ts';
import { pdf, png } from '../support/document-files.ts';
import { addStage, assignment, eventually, newApplication, registerWebhook, shortDeliverySettings, tenantTokens } from '../support/notification-fixtures.ts';

/**
 * Every instrument docs/observability.md documents is recorded by the flow that should record it,
 * with the app started on the local host and its meter provider read in memory (a reader beside
 * `/metrics`). The names come from the document, so the page and the code cannot drift apart: an
 * instrument documented but never recorded, or recorded but not documented, fails here by name.
 */
const root = resolve(import.meta.dirname, '..', '..');

/** Instrument names of the tables in docs/observability.md (first cell of each row). */
function documentedInstruments(): string[] {
  const doc = readFileSync(join(root, 'docs/observability.md'), 'utf8');
  return [...new Set([...doc.matchAll(/^\| `(stageline\.[a-z_.]+)` \|/gm)].map((match) => match[1]!))].sort();
}

/** Instrument names created in shared/ (`create…('stageline.…'`). */
function instrumentsInCode(): string[] {
  const dir = join(root, 'shared');
  const names = new Set<string>();
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'))) {
    for (const match of readFileSync(join(dir, file), 'utf8').matchAll(/create(?:Counter|Histogram|ObservableGauge|Gauge|UpDownCounter|ObservableCounter)\(\s*'(stageline\.[a-z_.]+)'/g)) names.add(match[1]!);
  }
  return [...names].sort();
}

/** Which flow records each instrument, and an attribute set a point must carry (the flow's signature). */
const expectations: Record<string, { readonly flow: string; readonly attributes?: Readonly<Record<string, string>> }> = {
  'stageline.cosmos.requests': { flow: 'stage mutation', attributes: { container: 'applications' } },
  'stageline.documents.unreadable': { flow: 'board with an unreadable stored application', attributes: { container: 'applications', where: 'board' } },
  'stageline.outbox.lag_seconds': { flow: 'stage mutation (outbox commit → publish)', attributes: { path: 'change_feed' } },
  'stageline.outbox.published_events': { flow: 'stage mutation', attributes: { path: 'change_feed' } },
  'stageline.outbox.publish_failures': { flow: 'stranded outbox (topic refusing)', attributes: { path: 'sweeper' } },
  'stageline.outbox.stranded_age_seconds': { flow: 'stranded outbox (sweeper)' },
  'stageline.outbox.oldest_stranded_age_seconds': { flow: 'stranded outbox (sweeper)' },
  'stageline.callbacks.outcomes': { flow: 'stage mutation (post-transition callbacks)', attributes: { outcome: 'succeeded' } },
  'stageline.calendar.calls': { flow: 'calendar connection against the fake', attributes: { operation: 'oauth.exchange', outcome: 'success' } },
  'stageline.calendar.latency': { flow: 'calendar connection against the fake', attributes: { operation: 'oauth.exchange' } },
  'stageline.calendar.invalid_connections': { flow: 'health check' },
  'stageline.calendar.notifications': { flow: 'calendar push for an unknown channel', attributes: { outcome: 'unknown_channel' } },
  'stageline.uploads.url_latency': { flow: 'upload intent', attributes: { outcome: 'ok', purpose: 'assignment_artifact' } },
  'stageline.uploads.rejections': { flow: 'upload whose bytes do not match', attributes: { reason: 'type_mismatch' } },
  'stageline.uploads.accepted': { flow: 'accepted upload', attributes: { purpose: 'assignment_artifact' } },
  'stageline.notifications.deliveries': { flow: 'webhook delivery to a loopback receiver', attributes: { channel: 'webhook', outcome: 'delivered' } },
  'stageline.notifications.retry_backlog': { flow: 'notifications module (gauge read at each collection)' },
  'stageline.notifications.dead_letters': { flow: 'webhook answering 410', attributes: { channel: 'webhook', reason: 'permanent' } },
  'stageline.notifications.delivery_duration': { flow: 'webhook delivery to a loopback receiver', attributes: { channel: 'webhook' } },
  'stageline.notifications.unreadable_messages': { flow: 'unreadable message on the notifications queue', attributes: { queue: 'notifications' } },
};

class CollectingReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const reader = new CollectingReader();
let api: ApiStack;
const receivers: WebhookReceiver[] = [];

async function collected(): Promise<MetricData[]> {
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
}

/** Whether `metric` has a point carrying `attributes` that recorded something. */
function recorded(metric: MetricData | undefined, attributes: Readonly<Record<string, string>> = {}): boolean {
  return (metric?.dataPoints as DataPoint<unknown>[] | undefined ?? []).some((point) => {
    if (!Object.entries(attributes).every(([key, value]) => point.attributes[key] === value)) return false;
    if (metric!.dataPointType === DataPointType.HISTOGRAM) return (point.value as Histogram).count > 0;
    if (metric!.dataPointType === DataPointType.GAUGE) return typeof point.value === 'number';
    return (point.value as number) > 0;
  });
}

async function missingInstruments(): Promise<string[]> {
  const metricsByName = new Map((await collected()).map((metric) => [metric.descriptor.name, metric]));
  return documentedInstruments().filter((name) => !recorded(metricsByName.get(name), expectations[name]?.attributes));
}

describe('documented instruments', () => {
  it('docs/observability.md documents every instrument the code creates, and the expectations below cover each', () => {
    const documented = documentedInstruments();
    for (const name of instrumentsInCode()) expect(documented, `${name} is created in shared/ but not documented`).toContain(name);
    expect(Object.keys(expectations).sort()).toEqual(documented);
  });
});

describe('every documented instrument is recorded by its flow (local host, in-memory reader)', () => {
  beforeAll(async () => {
    api = await startApiStack({ ...shortDeliverySettings, ...fastCalendarSettings }, { metricReaders: [reader] });

    // A webhook that takes everything (tenant obs) and one that is gone (tenant obs-gone: 410, dead-lettered at once).
    const ok = await startReceiver(() => ({ status: 200 }));
    const gone = await startReceiver(() => ({ status: 410 }));
    receivers.push(ok, gone);
    const tenant = await tenantTokens(api, 'obs');
    const goneTenant = await tenantTokens(api, 'obs-gone');
    await registerWebhook(api, tenant.admin, { kind: 'generic', url: ok.url() });
    await registerWebhook(api, goneTenant.admin, { kind: 'generic', url: gone.url() });

    // Stage mutations: Cosmos requests, the outbox through the change feed, callbacks, inbox and webhook deliveries.
    const applicationId = await newApplication(api, tenant.recruiter);
    const stageId = await addStage(api, tenant.recruiter, applicationId, assignment());
    await addStage(api, goneTenant.recruiter, await newApplication(api, goneTenant.recruiter), assignment());

    // Uploads: an accepted artifact (URL latency, accepted) and a PNG declared as a PDF (rejection).
    await uploadAndSettle(api, tenant.recruiter, { purpose: 'assignment_artifact', applicationId, stageId, fileName: 'brief.pdf', contentType: 'application/pdf', sizeBytes: pdf().length }, pdf());
    const image = png();
    const mismatch = await requestUpload(api, tenant.recruiter, { purpose: 'assignment_artifact', applicationId, stageId, fileName: 'brief2.pdf', contentType: 'application/pdf', sizeBytes: image.length });
    expect(await putFile(mismatch.body, image)).toBe(201);
    await settledUpload(api, tenant.recruiter, mismatch.body.uploadId);

    // Calendar: a connection through the fake's OAuth flow, a push for a channel nobody owns, the health check.
    await connectCalendar(api, 'obs', 'rec-1', 'rec-1@obs.example');
    expect((await fetch(`${api.baseUrl}/api/calendar/notifications`, { method: 'POST', headers: { 'x-goog-channel-id': `nobody-${randomUUID()}`, 'x-goog-channel-token': 'x', 'x-goog-resource-state': 'exists', 'x-goog-resource-id': 'r', 'x-goog-message-number': '2' } })).status).toBe(200);
    await fetch(`${api.baseUrl}/api/health`);

    // A message the notifications consumer cannot read.
    await api.host.services.bus.send('notifications', [{ messageId: `junk-${randomUUID()}`, body: 'not a notification' }]);

    // A stranded outbox: the topic refuses one application's events, so the change feed cannot publish them;
    // the sweeper (run with a clock two minutes ahead) finds them, fails once more, then publishes once the topic takes them.
    const bus = api.host.services.bus;
    const send = bus.send.bind(bus);
    const refused = new Set<string>();
    bus.send = async (entity: Parameters<typeof bus.send>[0], messages: readonly OutgoingMessage[]) => {
      // Event ids are tenant:application:seq.
      if (entity === 'stage-events' && messages.some((message) => refused.has(message.messageId.split(':')[1]!))) throw new Error('injected: topic unavailable');
      return send(entity, messages);
    };
    const strandedId = randomUUID();
    refused.add(strandedId);
    const created = await api.call('/applications', { token: tenant.recruiter, json: { id: strandedId, jobId: 'job-1', candidateId: 'cand-1' } });
    expect(created.status).toBe(201);
    await addStage(api, tenant.recruiter, strandedId, assignment());
    const { events } = api.host.services;
    const later = { now: () => new Date(Date.now() + 120_000).toISOString() };
    const sweep = () => sweepStrandedOutboxes({ applications: events.applications, bus, timeline: events.timeline, stranded: events.stranded, clock: later });
    await eventually('the change feed to record the stranded outbox', async () => ((await events.stranded.list(100)).some((stored) => stored.entry.applicationId === strandedId) ? true : undefined));
    const failed = await sweep();
    expect(failed.failures.map((failure) => failure.applicationId)).toContain(strandedId);
    refused.clear();
    await sweep();

    // A stored application that no longer fits its schema, skipped (and counted) by the board.
    const broken = randomUUID();
    await api.host.services.database.container('applications').items.create({ id: broken, applicationId: broken, tenantId: 'obs', createdAt: new Date().toISOString(), stages: 'not a list' });
    expect((await api.call('/applications', { token: tenant.recruiter })).status).toBe(200);

    // The asynchronous paths (change feed, callbacks, deliveries, the gate) settle on their own.
    await eventually('the documented instruments', async () => ((await missingInstruments()).length === 0 ? true : undefined), 60_000).catch(() => undefined);
  }, 240_000);

  afterAll(async () => {
    for (const receiver of receivers) await receiver.close();
    await api?.stop();
  });

  it.each(documentedInstruments())('%s', async (name) => {
    const metric = (await collected()).find((candidate) => candidate.descriptor.name === name);
    const expectation = expectations[name]!;
    expect(
      recorded(metric, expectation.attributes),
      `${name} was not recorded by "${expectation.flow}"${expectation.attributes ? ` with ${JSON.stringify(expectation.attributes)}` : ''}` +
        (metric === undefined ? ' (no such instrument on the meter provider)' : ''),
    ).toBe(true);
  });

  it('names the service on /metrics (service_name="stageline", service_version from package.json)', async () => {
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
    const text = await (await fetch(`${api.baseUrl}/metrics`)).text();
    const targetInfo = text.split('\n').find((line) => line.startsWith('target_info{'));
    expect(targetInfo).toContain('service_name="stageline"');
    expect(targetInfo).toContain(`service_version="${version}"`);
    expect(text).not.toContain('unknown_service');
  });
});
