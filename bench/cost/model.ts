/** The cost model: monthly figures per service for a volume of applications, from a measurement and the published rules. */
import { DAYS_PER_MONTH, HOURS_PER_MONTH, MINUTES_PER_MONTH, PRICES, readRu, replaceRu } from './rules.ts';
import { CHANGE_FEED, DEFAULT_ASSUMPTIONS, type FlexBilling, HOST_LEASE_RENEW_SECONDS, type Measurement, type ModelAssumptions, SECONDS_PER_MONTH } from './measurement.ts';

export interface ServiceLine {
  readonly service: string;
  /** What drives it, in words (for the table). */
  readonly quantity: string;
  readonly fixed: number;
  readonly variable: number;
  readonly total: number;
}

export interface MonthlyCost {
  readonly applications: number;
  readonly lines: readonly ServiceLine[];
  readonly total: number;
  readonly perApplication: number;
  readonly details: {
    readonly ru: { readonly pipeline: number; readonly fixed: number; readonly total: number };
    readonly cosmosGb: number;
    readonly executions: { readonly pipeline: number; readonly fixed: number };
    readonly gbSeconds: number;
    readonly serviceBusOps: { readonly pipeline: number; readonly fixed: number };
    readonly blobGb: number;
    readonly telemetryGb: number;
    readonly eventGridOps: number;
  };
}

const round2 = (value: number): number => Math.round(value * 100) / 100;
export const sum = (values: Iterable<number>): number => {
  let total = 0;
  for (const value of values) total += value;
  return total;
};

/** A lease document's checkpoint: a replace that changes the continuation and the timestamp. */
const leaseCheckpointRu = (): number => replaceRu(CHANGE_FEED.leaseBytes, CHANGE_FEED.leaseBytes, CHANGE_FEED.leaseTermsChanged, CHANGE_FEED.leaseTermsChanged);

/** The per-pipeline RU lines beyond the counted requests: the change feed, its checkpoints, TTL deletes. */
export function pipelineRuExtras(m: Measurement): { readonly changeFeedReads: number; readonly checkpoints: number; readonly ttlDeletes: number } {
  // Azure's trigger reads each changed application from the feed (priced as a point read, src: cosmos-ru-consumption "Feed operations").
  return { changeFeedReads: m.applicationWrites * readRu(m.avgApplicationBytes), checkpoints: m.changeFeedBatches * leaseCheckpointRu(), ttlDeletes: m.ttlDeletesRu };
}

/** Request units of one pipeline, with queries priced at `queryRu`. */
export function pipelineRu(m: Measurement, queryRu: number): number {
  const extras = pipelineRuExtras(m);
  return sum(m.cosmos.map((op) => (op.operation === 'query' ? op.count * queryRu : op.ru))) + extras.changeFeedReads + extras.checkpoints + extras.ttlDeletes;
}

/**
 * RU of one timer run. The calendar poll syncs every connected calendar: the measured idle run
 * polled one connection, so everything but its one query listing the connections is per recruiter.
 */
export function timerRuPerRun(timer: Measurement['timers'][number], a: ModelAssumptions, recruiters: number): number {
  const queries = sum(Object.entries(timer.requests).filter(([key]) => key.endsWith(':query')).map(([, n]) => n));
  if (timer.name !== 'calendarPoll') return timer.ru + queries * a.queryRu;
  const listing = timer.requests['calendarConnections:query'] ?? 0;
  return listing * a.queryRu + recruiters * (timer.ru + (queries - listing) * a.queryRu);
}

/** The fixed request units of a month, item by item: each timer, and the change-feed trigger's idle polling and lease work. */
export function fixedRuItems(m: Measurement, a: ModelAssumptions, recruiters: number): Array<{ readonly item: string; readonly perMonth: number; readonly ruEach: number }> {
  return [
    ...m.timers.map((timer) => ({ item: `timer ${timer.name}`, perMonth: timer.perMonth, ruEach: timerRuPerRun(timer, a, recruiters) })),
    { item: 'change feed: empty polls', perMonth: SECONDS_PER_MONTH / CHANGE_FEED.pollSeconds, ruEach: a.emptyPollRu },
    { item: 'change feed: lease renewals', perMonth: SECONDS_PER_MONTH / CHANGE_FEED.renewSeconds, ruEach: leaseCheckpointRu() },
    { item: 'change feed: lease acquire checks', perMonth: SECONDS_PER_MONTH / CHANGE_FEED.acquireSeconds, ruEach: readRu(CHANGE_FEED.leaseBytes) },
  ];
}

/** Request units a month of the timers and of the change-feed trigger's idle work, whatever the volume. */
export function fixedRuPerMonth(m: Measurement, a: ModelAssumptions, recruiters: number): number {
  return sum(fixedRuItems(m, a, recruiters).map((row) => row.perMonth * row.ruEach));
}

/** Service Bus Standard a month: the base charge for `hours`, then the operations beyond the included ones, tier by tier. */
export function serviceBusCost(operations: number, hours = HOURS_PER_MONTH): number {
  let cost = PRICES.serviceBusBasePerHour * hours;
  let floor: number = PRICES.serviceBusIncludedOps;
  for (const tier of PRICES.serviceBusTiers) {
    if (operations <= floor) break;
    cost += ((Math.min(operations, tier.upTo) - floor) / 1_000_000) * tier.perMillion;
    floor = tier.upTo;
  }
  return cost;
}

/** Service Bus operations of one pipeline: one per message sent, receive + settle per delivery, ats-sync copies received and settled by the external ATS. */
export function pipelineServiceBusOps(m: Measurement): number {
  const sends = sum(Object.values(m.serviceBus.sends));
  const deliveries = sum(Object.values(m.serviceBus.deliveries));
  return sends + deliveries + m.serviceBus.settlements + 2 * m.serviceBus.atsSyncCopies;
}

/** Billable seconds of one execution on its own: at least 1,000 ms, then rounded up to 100 ms (src: flex-plan). */
export function billableSecondsOf(durationMs: number): number {
  return Math.max(PRICES.flexMinBillableSeconds, Math.ceil(Math.round(Math.max(durationMs, 0) * 1000) / 100_000) / 10);
}

/** Functions that share instances on Flex Consumption (src: flex-plan, "Per-function scaling"). */
export interface ScaleGroup {
  readonly name: string;
  readonly executionsPerMonth: number;
  /** Billable seconds of one execution on its own (execution-weighted mean). */
  readonly billableSecondsEach: number;
  /** Timers only: runs whatever the volume. */
  readonly fixed: boolean;
}

/** HTTP functions scale together, blob (Event Grid) functions together, every other function on its own instances. */
export function scaleGroupOf(name: string, trigger: string): string {
  if (trigger === 'httpTrigger') return 'http';
  if (trigger === 'blobTrigger') return 'blob';
  return name;
}

export function scaleGroups(m: Measurement, applications: number): ScaleGroup[] {
  const groups = new Map<string, { executions: number; seconds: number; fixed: boolean }>();
  const add = (name: string, executions: number, secondsEach: number, fixed: boolean): void => {
    const group = groups.get(name) ?? { executions: 0, seconds: 0, fixed };
    group.executions += executions;
    group.seconds += executions * secondsEach;
    groups.set(name, group);
  };
  for (const f of m.functions) add(scaleGroupOf(f.name, f.trigger), f.count * applications, billableSecondsOf(f.avgMs), false);
  for (const timer of m.timers) add(timer.name, timer.perMonth, PRICES.flexMinBillableSeconds, true);
  return [...groups.entries()].map(([name, g]) => ({ name, executionsPerMonth: g.executions, billableSecondsEach: g.executions === 0 ? 0 : g.seconds / g.executions, fixed: g.fixed }));
}

/**
 * Billed active seconds of one scale group in a month. `perExecution`: the sum of every execution's
 * own billable time. `instanceActive`: executions arriving at random (Poisson) keep one instance
 * active for a share 1 − e^(−load) of the month, load = executions × billable seconds each ÷ seconds
 * in the month; bursts (a pipeline's events follow each other within a second) overlap more, so this
 * leans high. Never more than `perExecution`.
 */
export function activeSecondsOf(group: ScaleGroup, billing: FlexBilling): number {
  const offered = group.executionsPerMonth * group.billableSecondsEach;
  if (billing === 'perExecution') return offered;
  return SECONDS_PER_MONTH * -Math.expm1(-offered / SECONDS_PER_MONTH);
}

export function priceModel(m: Measurement, applications: number, a: ModelAssumptions = DEFAULT_ASSUMPTIONS): MonthlyCost {
  const recruiters = Math.max(5, Math.ceil((applications / 1000) * a.recruitersPer1k));
  const applyGrant = (quantity: number, grant: number): number => (a.freeGrants ? Math.max(0, quantity - grant) : quantity);

  // Cosmos DB serverless: request units and storage (data kept `retentionMonths`, or its TTL).
  const ruPipeline = pipelineRu(m, a.queryRu) * applications;
  const ruFixed = fixedRuPerMonth(m, a, recruiters);
  const ruTotal = ruPipeline + ruFixed;
  const keptBytes = sum(m.containers.map((c) => c.documentsPerPipeline * c.avgBytes * (c.ttlDays === undefined ? a.retentionMonths : Math.min(a.retentionMonths, c.ttlDays / 30))));
  const cosmosGb = (keptBytes * applications * (1 + a.indexOverhead)) / 1e9;
  const cosmosTotal = (ruTotal / 1e6) * PRICES.cosmosPerMillionRu + cosmosGb * PRICES.cosmosPerGbMonth;
  const cosmosFixed = (ruFixed / 1e6) * PRICES.cosmosPerMillionRu;

  // Functions Flex Consumption (on demand, 2 GB instances): executions and the GB-s of active instances.
  const groups = scaleGroups(m, applications);
  const pipelineExecutions = sum(m.functions.map((f) => f.count)) * applications;
  const timerRuns = sum(m.timers.map((t) => t.perMonth));
  const executions = pipelineExecutions + timerRuns;
  const gbSeconds = sum(groups.map((g) => activeSecondsOf(g, a.flexBilling))) * PRICES.flexInstanceGb;
  const timerGbSeconds = sum(groups.filter((g) => g.fixed).map((g) => activeSecondsOf(g, a.flexBilling))) * PRICES.flexInstanceGb;
  const functionsTotal =
    (applyGrant(executions, PRICES.flexFreeExecutions) / 1e6) * PRICES.flexPerMillionExecutions + applyGrant(gbSeconds, PRICES.flexFreeGbSeconds) * PRICES.flexPerGbSecond;
  const functionsFixed = (timerRuns / 1e6) * PRICES.flexPerMillionExecutions + timerGbSeconds * PRICES.flexPerGbSecond;

  // Service Bus Standard: base charge + operations beyond the included 13 M; idle listeners long-poll.
  const sbPipeline = pipelineServiceBusOps(m) * applications;
  const listeners = m.functions.filter((f) => f.trigger === 'serviceBusTrigger').length;
  const sbFixed = listeners * a.idleReceivesPerListenerPerMinute * MINUTES_PER_MONTH;
  const serviceBusTotal = serviceBusCost(sbPipeline + sbFixed);

  // Blob Storage: the documents account (Hot LRS) and the host's storage (host lock, timer locks and status).
  const docOps = { writes: m.blob.writes * applications, reads: m.blob.reads * applications, other: m.blob.other * applications };
  const hostLeaseRenewals = a.warmInstances * (SECONDS_PER_MONTH / HOST_LEASE_RENEW_SECONDS);
  // Each timer run: a singleton lease acquire + release (writes) and a schedule status read + write.
  const timerStorage = { writes: 3 * timerRuns, reads: timerRuns };
  const blobGb = (m.blob.keptDocuments * a.avgDocumentBytes * applications * a.retentionMonths) / 1e9;
  const blobVariable =
    (docOps.writes / 1e4) * PRICES.blobWritePer10k + (docOps.reads / 1e4) * PRICES.blobReadPer10k + (docOps.other / 1e4) * PRICES.blobOtherPer10k + blobGb * PRICES.blobPerGbMonth;
  const blobFixed = (hostLeaseRenewals / 1e4) * PRICES.blobOtherPer10k + (timerStorage.writes / 1e4) * PRICES.blobWritePer10k + (timerStorage.reads / 1e4) * PRICES.blobReadPer10k;
  const blobOps = docOps.writes + docOps.reads + docOps.other + hostLeaseRenewals + timerStorage.writes + timerStorage.reads;

  // Event Grid (system topic of the documents account): ingress of each BlobCreated event + one delivery per quarantine blob.
  const eventGridOps = (m.blobCreatedEvents + m.quarantineEvents) * applications;
  const eventGridTotal = (applyGrant(eventGridOps, PRICES.eventGridFreeOps) / 1e6) * PRICES.eventGridPerMillion;

  // Application Insights / Log Analytics ingestion.
  const t = a.telemetryKb;
  const cosmosRequests = sum(m.cosmos.map((op) => op.count));
  const dependenciesPerPipeline = cosmosRequests + sum(Object.values(m.serviceBus.sends)) + m.blob.writes + m.blob.reads + m.blob.other + m.outboundHttpCalls;
  const perPipelineKb = sum(m.functions.map((f) => f.count)) * (t.request + a.tracesPerExecution * t.trace) + dependenciesPerPipeline * t.dependency;
  const timerKb = sum(m.timers.map((timer) => timer.perMonth * (t.request + a.tracesPerExecution * t.trace + sum(Object.values(timer.requests)) * t.dependency)));
  const metricsKb = m.metricSeries * a.warmInstances * MINUTES_PER_MONTH * t.metric;
  const telemetryGb = (perPipelineKb * applications + timerKb + metricsKb) / 1e6;
  const telemetryTotal = applyGrant(telemetryGb, PRICES.logAnalyticsFreeGb) * PRICES.logAnalyticsPerGb;
  const telemetryFixed = ((timerKb + metricsKb) / 1e6) * PRICES.logAnalyticsPerGb;

  // App Configuration Standard (one store, per day; each warm instance refreshes the flags every 30 s) and Key Vault
  // (the platform resolves the 4 secret references on each instance start: assumed 4 starts a day per warm instance).
  const appConfigRequestsPerDay = a.warmInstances * (86_400 / 30);
  const appConfigTotal =
    PRICES.appConfigurationPerDay * DAYS_PER_MONTH +
    Math.max(0, appConfigRequestsPerDay - PRICES.appConfigurationIncludedRequestsPerDay) * DAYS_PER_MONTH * (PRICES.appConfigurationOveragePer10k / 1e4);
  const keyVaultOps = 4 * a.warmInstances * DAYS_PER_MONTH * 4;
  const keyVaultTotal = (keyVaultOps / 1e4) * PRICES.keyVaultPer10kOperations;

  const line = (service: string, quantity: string, fixed: number, total: number): ServiceLine => ({
    service,
    quantity,
    fixed: round2(Math.min(fixed, total)),
    variable: round2(Math.max(0, total - fixed)),
    total: round2(total),
  });
  const lines: ServiceLine[] = [
    line('Cosmos DB serverless', `${fmt(ruTotal / 1e6, 2)} M RU, ${fmt(cosmosGb, 2)} GB`, cosmosFixed, cosmosTotal),
    line('Functions Flex Consumption', `${fmt(executions / 1e6, 3)} M executions, ${fmt(gbSeconds / 1e3, 0)} k GB-s`, functionsFixed, functionsTotal),
    line('Service Bus Standard', `${fmt((sbPipeline + sbFixed) / 1e6, 2)} M operations`, serviceBusCost(0), serviceBusTotal),
    line('Blob Storage (documents + host)', `${fmt(blobOps / 1e3, 0)} k operations, ${fmt(blobGb, 1)} GB`, blobFixed, blobFixed + blobVariable),
    line('Event Grid (blob trigger)', `${fmt(eventGridOps / 1e3, 1)} k operations`, 0, eventGridTotal),
    line('Application Insights / Log Analytics', `${fmt(telemetryGb, 2)} GB ingested`, telemetryFixed, telemetryTotal),
    line('App Configuration Standard', `${fmt(appConfigRequestsPerDay, 0)} requests/day`, appConfigTotal, appConfigTotal),
    line('Key Vault', `${fmt(keyVaultOps, 0)} operations`, keyVaultTotal, keyVaultTotal),
  ];
  const total = round2(sum(lines.map((l) => l.total)));
  return {
    applications,
    lines,
    total,
    perApplication: total / applications,
    details: {
      ru: { pipeline: ruPipeline, fixed: ruFixed, total: ruTotal },
      cosmosGb,
      executions: { pipeline: pipelineExecutions, fixed: timerRuns },
      gbSeconds,
      serviceBusOps: { pipeline: sbPipeline, fixed: sbFixed },
      blobGb,
      telemetryGb,
      eventGridOps,
    },
  };
}

export function fmt(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
