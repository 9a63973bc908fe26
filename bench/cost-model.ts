/**
 * Cost model of one hiring pipeline on the deployed tiers (docs/cost.md).
 *
 *   node bench/cost-model.ts              measure on the local host (loopback only), then price
 *   node bench/cost-model.ts --recorded   price the inputs recorded below (no host; instant)
 *   node bench/cost-model.ts --json       also print the measured inputs as JSON (paste into RECORDED)
 *   COST_PIPELINES=n                      pipelines measured (default 3, after one warm-up pipeline)
 *
 * The tables it prints are the ones docs/cost.md quotes; a change that moves a figure re-records the
 * inputs and updates the document (test/bench/cost-model.test.ts fails until both agree).
 *
 * Measuring drives real pipelines through the local host over HTTP (application, 6 stages, feedback,
 * one interview booked on the Google Calendar fake and completed by the calendar sync, two uploads
 * through the content gate and opened by the other side, 19 stage events of which 12 notify: inbox,
 * a signed webhook and a Google Chat space) and counts, per pipeline: the Cosmos DB requests the local server received by
 * container and operation with the bytes of every document written (and so the size and indexed
 * terms of every document read, written, replaced), the Service Bus sends, scheduled messages and
 * deliveries, the function executions by trigger, and the blob operations. Timers are measured on
 * their own, idle. Pricing is pure arithmetic on those inputs and the published rules and prices
 * below (`priceModel`), deterministic and unit-tested (test/bench/cost-model.test.ts).
 */

// ---------------------------------------------------------------------------------------------
// Published rules and prices (East US, USD). Each figure names its source (docs/cost.md, "Sources").
// ---------------------------------------------------------------------------------------------

/**
 * RU by document size for session consistency (src: cosmos-ru-consumption, the "Document size" table),
 * as three columns of the same length: size (KB), point read, write.
 */
export const RU_TABLE = {
  kb: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048],
  read: [1.0, 1.04, 1.14, 1.33, 1.67, 2.19, 4.76, 9.95, 20.28, 40.95, 145.9, 291.8],
  write: [4.95, 6.29, 6.67, 7.04, 9.52, 11.23, 22.67, 48.19, 98.29, 184.57, 625.0, 1250.0],
} as const;

/** RU per indexed term added or removed by a write (src: cosmos-ru-consumption, "0.2 × 10 (indexing)"). */
export const RU_PER_INDEX_TERM = 0.2;
/** Base charge of a patch per modified property (src: cosmos-ru-consumption, "0.4 * 2 (base charge for patch)"). */
export const RU_PER_PATCHED_PROPERTY = 0.4;
/** RU of a query: the planning figure for a query that uses the index and returns ≤ 100 results (src: cosmos-plan-costs). */
export const RU_PER_QUERY_PUBLISHED = 10;
/** A small single-partition query as commonly observed (not published; sensitivity only). */
export const RU_PER_QUERY_SMALL = 3;

/** Prices (USD, pay as you go, East US where a region applies). Sources and how each was checked: docs/cost.md, "Sources". */
export const PRICES = {
  /** src: cosmos-bill ($0.25 per million RU, serverless example), cosmos-plan-costs (same, and $0.25 per GB of storage). */
  cosmosPerMillionRu: 0.25,
  cosmosPerGbMonth: 0.25,
  /** src: flex-prices (secondary). The billing rule (1,000 ms minimum, then 100 ms steps): flex-plan. */
  flexPerGbSecond: 0.000026,
  flexPerMillionExecutions: 0.4,
  flexFreeGbSeconds: 100_000,
  flexFreeExecutions: 250_000,
  flexMinBillableSeconds: 1,
  /** Bicep: infra/modules/function-app.bicep instanceMemoryMB 2048, no always-ready instances. */
  flexInstanceGb: 2,
  /** src: service-bus-page (13 M included, the tier bounds), service-bus-2016 (the per-million rates); base per hour: secondary. */
  serviceBusBasePerHour: 0.0135,
  serviceBusIncludedOps: 13_000_000,
  serviceBusTiers: [
    { upTo: 100_000_000, perMillion: 0.8 },
    { upTo: 2_500_000_000, perMillion: 0.5 },
    { upTo: Number.POSITIVE_INFINITY, perMillion: 0.2 },
  ],
  /** src: blob-secondary (Hot, LRS, first 50 TB; deletes are free). */
  blobPerGbMonth: 0.018,
  blobWritePer10k: 0.065,
  blobReadPer10k: 0.005,
  blobOtherPer10k: 0.005,
  /** src: event-grid (secondary). */
  eventGridPerMillion: 0.6,
  eventGridFreeOps: 100_000,
  /** src: log-analytics (secondary), Analytics Logs, pay as you go. */
  logAnalyticsPerGb: 2.3,
  logAnalyticsFreeGb: 5,
  /** src: app-configuration (secondary: a pricing-calculator export). */
  appConfigurationPerDay: 1.2,
  appConfigurationIncludedRequestsPerDay: 200_000,
  appConfigurationOveragePer10k: 0.06,
  /** src: key-vault (secondary: a pricing-calculator export). */
  keyVaultPer10kOperations: 0.03,
} as const;

export const HOURS_PER_MONTH = 730;
export const DAYS_PER_MONTH = 30.42;
export const MINUTES_PER_MONTH = 43_800;

// ---------------------------------------------------------------------------------------------
// Request units from sizes and indexed terms (published rules)
// ---------------------------------------------------------------------------------------------

/** Linear between the table's sizes; the first figure below 1 KB; proportional to size beyond 2 MB. */
export function interpolate(kb: number, column: readonly number[]): number {
  const sizes = RU_TABLE.kb;
  if (kb <= sizes[0]) return column[0]!;
  for (let i = 1; i < sizes.length; i++) {
    if (kb <= sizes[i]!) return column[i - 1]! + ((column[i]! - column[i - 1]!) * (kb - sizes[i - 1]!)) / (sizes[i]! - sizes[i - 1]!);
  }
  return (column[column.length - 1]! * kb) / sizes[sizes.length - 1]!;
}

/** Point read of a persisted document of `bytes` (404: the 1 KB figure). */
export function readRu(bytes: number): number {
  return interpolate(bytes / 1024, RU_TABLE.read);
}

/** The size-based part of writing one document of `bytes` ("5.0 (document size based)"). */
export function writeBaseRu(bytes: number): number {
  return interpolate(bytes / 1024, RU_TABLE.write);
}

/** Create (insert): size-based write + 0.2 per indexed term. */
export function createRu(bytes: number, terms: number): number {
  return writeBaseRu(bytes) + RU_PER_INDEX_TERM * terms;
}

/** Replace (update): delete the old version + insert the new one + 0.2 per removed and per added term. */
export function replaceRu(oldBytes: number, newBytes: number, removedTerms: number, addedTerms: number): number {
  return writeBaseRu(oldBytes) + writeBaseRu(newBytes) + RU_PER_INDEX_TERM * (removedTerms + addedTerms);
}

/** Delete: size-based write + 0.2 per indexed term removed. */
export function deleteRu(bytes: number, terms: number): number {
  return writeBaseRu(bytes) + RU_PER_INDEX_TERM * terms;
}

/** Patch: a replace of the same document plus 0.4 per modified property (each modified property one removed and one added term). */
export function patchRu(bytes: number, removedTerms: number, addedTerms: number): number {
  return replaceRu(bytes, bytes, removedTerms, addedTerms) + RU_PER_PATCHED_PROPERTY * Math.max(removedTerms, addedTerms);
}

/** System properties every Cosmos DB item carries (_rid, _self, _etag, _attachments, _ts) are not terms we index except `_ts`. */
const SYSTEM_KEYS = new Set(['_rid', '_self', '_etag', '_attachments']);

/**
 * The index terms of a document under the default policy (every path, `_etag` excluded): one per
 * leaf value, keyed path=value with array positions collapsed (`/stages/[]/status=completed`),
 * counted with multiplicity.
 */
export function indexTerms(document: unknown): Map<string, number> {
  const terms = new Map<string, number>();
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      if (value.length === 0) add(`${path}/[]=<empty>`);
      for (const item of value) walk(item, `${path}/[]`);
      return;
    }
    if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 0) add(`${path}=<empty>`);
      for (const [key, child] of entries) {
        if (path === '' && SYSTEM_KEYS.has(key)) continue;
        walk(child, `${path}/${key}`);
      }
      return;
    }
    add(`${path}=${JSON.stringify(value)}`);
  };
  const add = (term: string): void => void terms.set(term, (terms.get(term) ?? 0) + 1);
  walk(document, '');
  return terms;
}

export function termCount(terms: Map<string, number>): number {
  let n = 0;
  for (const count of terms.values()) n += count;
  return n;
}

/** Terms only in `before` (removed) and only in `after` (added), with multiplicity. */
export function termDiff(before: Map<string, number>, after: Map<string, number>): { removed: number; added: number } {
  let removed = 0;
  let added = 0;
  for (const [term, count] of before) removed += Math.max(0, count - (after.get(term) ?? 0));
  for (const [term, count] of after) added += Math.max(0, count - (before.get(term) ?? 0));
  return { removed, added };
}

// ---------------------------------------------------------------------------------------------
// What a measurement holds (per pipeline, averaged) and what the model assumes
// ---------------------------------------------------------------------------------------------

/** One kind of Cosmos DB operation of one container: how many per pipeline and their request units. */
export interface CosmosOperationFigure {
  readonly container: string;
  readonly operation: string;
  /** Per pipeline (average over the measured pipelines). */
  readonly count: number;
  /** Per pipeline, from the published rules applied to each measured request. */
  readonly ru: number;
  /** Average persisted size of the documents these requests touched (bytes; 0 for queries). */
  readonly avgBytes: number;
}

export interface ContainerSizeFigure {
  readonly container: string;
  /** Documents one pipeline leaves behind (average). */
  readonly documentsPerPipeline: number;
  /** Average persisted size, system properties included (bytes). */
  readonly avgBytes: number;
  /** Average indexed terms per document. */
  readonly avgTerms: number;
  /** Largest document seen (bytes). */
  readonly maxBytes: number;
  /** Days a document lives (container TTL); undefined: kept. */
  readonly ttlDays?: number;
}

export interface Measurement {
  readonly measuredAt: string;
  readonly pipelines: number;
  readonly node: string;
  readonly cosmos: readonly CosmosOperationFigure[];
  readonly containers: readonly ContainerSizeFigure[];
  /** Applications-container writes per pipeline (each is one change-feed delivery in Azure). */
  readonly applicationWrites: number;
  readonly avgApplicationBytes: number;
  /** Change-feed trigger invocations per pipeline (local: one per wake-up; an upper bound for Azure's batches). */
  readonly changeFeedBatches: number;
  /** Documents created per pipeline in containers with a TTL (deleted later by TTL: a delete each). */
  readonly ttlDeletesRu: number;
  readonly serviceBus: {
    /** Messages sent per entity per pipeline (topic sends count once). */
    readonly sends: Readonly<Record<string, number>>;
    /** Of those, scheduled (retries, postponed fan-outs). */
    readonly scheduled: number;
    /** Deliveries (peek-lock receives) per queue or subscription per pipeline. */
    readonly deliveries: Readonly<Record<string, number>>;
    /** Settlements (complete/abandon/dead-letter) per pipeline. */
    readonly settlements: number;
    /** Topic messages per pipeline that the `ats-sync` subscription receives (no consumer in this app). */
    readonly atsSyncCopies: number;
  };
  /** Function executions per pipeline by function name, with their trigger. */
  readonly functions: ReadonlyArray<{ readonly name: string; readonly trigger: string; readonly count: number; readonly avgMs: number }>;
  readonly blob: {
    /** Per pipeline: PUT/copy writes, reads (download), other (properties, exists). */
    readonly writes: number;
    readonly reads: number;
    readonly other: number;
    readonly deletes: number;
    /** Verified copies kept per pipeline in `documents` (sized by the `avgDocumentBytes` assumption). */
    readonly keptDocuments: number;
  };
  /** Outbound calls per pipeline besides Cosmos (Google Calendar, webhooks, Chat), for telemetry dependencies. */
  readonly outboundHttpCalls: number;
  /** Blob-created events per pipeline (Event Grid: ingress each; deliveries only for quarantine). */
  readonly blobCreatedEvents: number;
  readonly quarantineEvents: number;
  /** Notification events (the `notifications` queue) and deliveries (the `notification-deliveries` queue) per pipeline. */
  readonly notificationEvents: number;
  readonly notificationDeliveries: number;
  /** Idle timer runs: Cosmos requests and RU per run, by timer. */
  readonly timers: ReadonlyArray<{ readonly name: string; readonly perMonth: number; readonly requests: Readonly<Record<string, number>>; readonly ru: number }>;
  /** OpenTelemetry series the app exports (counted on /metrics). */
  readonly metricSeries: number;
}

export interface ModelAssumptions {
  /** Months of data kept (nothing in the code purges applications, timelines or documents): storage is priced in that month. */
  readonly retentionMonths: number;
  /** Index storage as a share of the data (not published; full default indexing). */
  readonly indexOverhead: number;
  /** Average size of an uploaded document (the measured PDFs are tiny; real ones are not). */
  readonly avgDocumentBytes: number;
  /** Query RU (published planning figure by default). */
  readonly queryRu: number;
  /** Connected recruiters polled by the 5-minute calendar timer per 1,000 applications a month (min 5). */
  readonly recruitersPer1k: number;
  /** Instances kept warm by the every-minute timers (lease renewals, metric exports, flag refreshes). */
  readonly warmInstances: number;
  /** Telemetry record sizes (KB): request, dependency, trace, metric point. */
  readonly telemetryKb: { readonly request: number; readonly dependency: number; readonly trace: number; readonly metric: number };
  /** Host traces per execution ("Executing"/"Executed"). */
  readonly tracesPerExecution: number;
  /** Service Bus idle receive operations per listener per minute (AMQP long polls). */
  readonly idleReceivesPerListenerPerMinute: number;
  /** Empty change-feed polls: RU each (not published). */
  readonly emptyPollRu: number;
  /** How Flex Consumption active time adds up (see `activeSecondsOf`). */
  readonly flexBilling: FlexBilling;
  /** Apply the monthly free grants (Functions, Event Grid, Log Analytics). */
  readonly freeGrants: boolean;
}

/**
 * `instanceActive`: billed time is the time an instance is executing something (src: flex-plan), so
 * executions that overlap on one instance share a billable period; `perExecution`: every execution is
 * its own period of at least 1,000 ms (an upper bound).
 */
export type FlexBilling = 'instanceActive' | 'perExecution';

export const DEFAULT_ASSUMPTIONS: ModelAssumptions = {
  retentionMonths: 12,
  indexOverhead: 0.5,
  avgDocumentBytes: 500 * 1024,
  queryRu: RU_PER_QUERY_PUBLISHED,
  recruitersPer1k: 10,
  warmInstances: 2,
  telemetryKb: { request: 1.0, dependency: 1.0, trace: 0.5, metric: 0.3 },
  tracesPerExecution: 2,
  idleReceivesPerListenerPerMinute: 1,
  emptyPollRu: 1,
  flexBilling: 'instanceActive',
  freeGrants: false,
};

// ---------------------------------------------------------------------------------------------
// Fixed platform work that runs whatever the volume (defaults of the Cosmos DB trigger and the host)
// ---------------------------------------------------------------------------------------------

/** Cosmos DB trigger defaults (src: functions-cosmos-trigger-options): poll 5 s, lease acquire 13 s, lease renew 17 s. */
export const CHANGE_FEED = { pollSeconds: 5, acquireSeconds: 13, renewSeconds: 17, leaseBytes: 450, leaseTermsChanged: 2 };
/** Functions host lock: one blob lease renewal every 12 s while an instance runs (src: host-lease-issue). */
export const HOST_LEASE_RENEW_SECONDS = 12;
export const SECONDS_PER_MONTH = MINUTES_PER_MONTH * 60;

// ---------------------------------------------------------------------------------------------
// The model: monthly figures for a volume of applications
// ---------------------------------------------------------------------------------------------

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
const sum = (values: Iterable<number>): number => {
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

const markdownTable = (header: readonly string[], align: readonly ('l' | 'r')[], rows: ReadonlyArray<readonly string[]>): string =>
  [`| ${header.join(' | ')} |`, `| ${align.map((x) => (x === 'r' ? '---:' : '---')).join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');

/** The summary table (service × volume) as Markdown. */
export function summaryTable(m: Measurement, volumes: readonly number[], a: ModelAssumptions = DEFAULT_ASSUMPTIONS): string {
  const costs = volumes.map((v) => priceModel(m, v, a));
  return markdownTable(
    ['service', ...volumes.map((v) => `${fmt(v / 1000, 0)}k applications/month`)],
    ['l', ...volumes.map(() => 'r' as const)],
    [
      ...costs[0]!.lines.map((l, i) => [l.service, ...costs.map((c) => `$${fmt(c.lines[i]!.total, 2)}`)]),
      ['**total**', ...costs.map((c) => `**$${fmt(c.total, 2)}**`)],
      ['per application', ...costs.map((c) => `$${fmt(c.perApplication, 4)}`)],
    ],
  );
}

/** Per-volume detail: quantities and fixed vs volume-driven parts. */
export function detailTable(m: Measurement, volume: number, a: ModelAssumptions = DEFAULT_ASSUMPTIONS): string {
  const c = priceModel(m, volume, a);
  return markdownTable(
    [`service (${fmt(volume / 1000, 0)}k/month)`, 'quantity', 'fixed', 'volume-driven', 'total'],
    ['l', 'l', 'r', 'r', 'r'],
    [...c.lines.map((l) => [l.service, l.quantity, `$${fmt(l.fixed, 2)}`, `$${fmt(l.variable, 2)}`, `$${fmt(l.total, 2)}`]), ['**total**', '', '', '', `**$${fmt(c.total, 2)}**`]],
  );
}

/** Cosmos DB per pipeline: each container and operation (measured count and size, RU by the published rules), then the extras. */
export function cosmosPipelineTable(m: Measurement, a: ModelAssumptions = DEFAULT_ASSUMPTIONS): string {
  const extras = pipelineRuExtras(m);
  const expiring = m.containers.filter((c) => c.ttlDays !== undefined && c.documentsPerPipeline > 0);
  const expiringCount = sum(expiring.map((c) => c.documentsPerPipeline));
  const rows = m.cosmos.map((op) => [
    op.container,
    op.operation,
    fmt(op.count, 2),
    op.operation === 'query' ? '–' : fmt(op.avgBytes, 0),
    op.operation === 'query' ? `${fmt(op.count * a.queryRu, 2)} (${fmt(a.queryRu, 0)} each)` : fmt(op.ru, 2),
  ]);
  return markdownTable(
    ['container', 'operation', 'per pipeline', 'avg bytes', 'RU'],
    ['l', 'l', 'r', 'r', 'r'],
    [
      ...rows,
      ['applications', 'change feed (trigger reads)', fmt(m.applicationWrites, 2), fmt(m.avgApplicationBytes, 0), fmt(extras.changeFeedReads, 2)],
      ['leases', 'checkpoint (replace)', fmt(m.changeFeedBatches, 2), fmt(CHANGE_FEED.leaseBytes, 0), fmt(extras.checkpoints, 2)],
      [expiring.map((c) => c.container).join(', '), 'TTL delete (when the item expires)', fmt(expiringCount, 2), '', fmt(extras.ttlDeletes, 2)],
      ['**total**', '', fmt(sum(m.cosmos.map((op) => op.count)) + m.applicationWrites + m.changeFeedBatches + expiringCount, 2), '', `**${fmt(pipelineRu(m, a.queryRu), 1)}**`],
    ],
  );
}

/** Everything else one pipeline does: Service Bus, function executions, blob operations, Event Grid. */
export function otherPipelineTable(m: Measurement): string {
  const sb = m.serviceBus;
  const rows: string[][] = [
    ...Object.entries(sb.sends).map(([entity, n]) => ['Service Bus', `send to ${entity}`, fmt(n, 2)]),
    ...Object.entries(sb.deliveries).map(([entity, n]) => ['Service Bus', `receive from ${entity}`, fmt(n, 2)]),
    ['Service Bus', 'settle (complete)', fmt(sb.settlements, 2)],
    ['Service Bus', 'ats-sync copies received + settled by the ATS', fmt(2 * sb.atsSyncCopies, 2)],
    ['Service Bus', '**operations**', `**${fmt(pipelineServiceBusOps(m), 1)}**`],
    ...m.functions.map((f) => ['Functions', `${f.name} (${f.trigger}, ${fmt(f.avgMs, 0)} ms → ${fmt(billableSecondsOf(f.avgMs), 1)} s billable alone)`, fmt(f.count, 2)]),
    ['Functions', '**executions**', `**${fmt(sum(m.functions.map((f) => f.count)), 1)}**`],
    ['Functions', 'GB-s if each execution were billed alone (2 GB × ≥ 1 s)', fmt(sum(m.functions.map((f) => f.count * billableSecondsOf(f.avgMs))) * PRICES.flexInstanceGb, 1)],
    ['Blob', 'writes (client PUT to quarantine, gate copy to documents)', fmt(m.blob.writes, 2)],
    ['Blob', 'reads (gate, trigger binding, people opening documents)', fmt(m.blob.reads, 2)],
    ['Blob', 'other (exists, properties)', fmt(m.blob.other, 2)],
    ['Blob', 'deletes (free)', fmt(m.blob.deletes, 2)],
    ['Event Grid', 'BlobCreated ingress + quarantine deliveries', fmt(m.blobCreatedEvents + m.quarantineEvents, 2)],
    ['Notifications', 'events on `notifications` / deliveries on `notification-deliveries`', `${fmt(m.notificationEvents, 0)} / ${fmt(m.notificationDeliveries, 0)}`],
  ];
  return markdownTable(['service', 'what', 'per pipeline'], ['l', 'l', 'r'], rows);
}

/** The fixed Cosmos DB work of a month at a volume (the calendar poll grows with connected recruiters). */
export function fixedRuTable(m: Measurement, volume: number, a: ModelAssumptions = DEFAULT_ASSUMPTIONS): string {
  const recruiters = Math.max(5, Math.ceil((volume / 1000) * a.recruitersPer1k));
  const items = fixedRuItems(m, a, recruiters);
  return markdownTable(
    [`fixed Cosmos DB work (${fmt(volume / 1000, 0)}k/month, ${recruiters} recruiters)`, 'per month', 'RU each', 'M RU/month'],
    ['l', 'r', 'r', 'r'],
    [...items.map((row) => [row.item, fmt(row.perMonth, 0), fmt(row.ruEach, 2), fmt((row.perMonth * row.ruEach) / 1e6, 2)]), ['**total**', '', '', `**${fmt(fixedRuPerMonth(m, a, recruiters) / 1e6, 2)}**`]],
  );
}

/** What one pipeline leaves stored, container by container (what storage is priced on). */
export function storedDocumentsTable(m: Measurement): string {
  return markdownTable(
    ['container', 'documents per pipeline', 'avg bytes (with system properties)', 'max bytes', 'avg indexed terms', 'kept'],
    ['l', 'r', 'r', 'r', 'r', 'l'],
    m.containers.map((c) => [c.container, fmt(c.documentsPerPipeline, 2), fmt(c.avgBytes, 0), fmt(c.maxBytes, 0), fmt(c.avgTerms, 1), c.ttlDays === undefined ? 'no TTL' : `TTL ${fmt(c.ttlDays, 0)} days`]),
  );
}

/** The figures in one paragraph. */
export function headline(m: Measurement): string {
  const volumes = [1_000, 10_000, 100_000];
  const costs = volumes.map((v) => priceModel(m, v));
  const granted = volumes.map((v) => priceModel(m, v, { ...DEFAULT_ASSUMPTIONS, freeGrants: true }));
  const dollars = (list: readonly MonthlyCost[]): string => list.map((c) => `$${fmt(c.total, 2)}`).join(' / ');
  return [
    `**Per pipeline**: ${fmt(pipelineRu(m, RU_PER_QUERY_PUBLISHED), 0)} request units (${fmt(pipelineRu(m, RU_PER_QUERY_SMALL), 0)} if queries cost ${RU_PER_QUERY_SMALL} RU),`,
    `${fmt(pipelineServiceBusOps(m), 0)} Service Bus operations, ${fmt(sum(m.functions.map((f) => f.count)), 0)} function executions,`,
    `${fmt(m.blob.writes + m.blob.reads + m.blob.other, 0)} blob operations (+ ${fmt(m.blob.deletes, 0)} free deletes), ${fmt(m.blobCreatedEvents + m.quarantineEvents, 0)} Event Grid operations.`,
    `**A month** at 1k / 10k / 100k applications: ${dollars(costs)} (${dollars(granted)} with the free grants).`,
  ].join('\n');
}

/** The blocks docs/cost.md quotes verbatim, with what each shows (test/bench/cost-model.test.ts checks that each is there). */
export function documentBlocks(m: Measurement): Array<{ readonly title: string; readonly markdown: string }> {
  const volumes = [1_000, 10_000, 100_000];
  const a = DEFAULT_ASSUMPTIONS;
  return [
    { title: 'Headline', markdown: headline(m) },
    { title: 'Stored per pipeline', markdown: storedDocumentsTable(m) },
    { title: 'Cosmos DB per pipeline', markdown: cosmosPipelineTable(m, a) },
    { title: 'Everything else per pipeline', markdown: otherPipelineTable(m) },
    { title: 'Fixed Cosmos DB work', markdown: fixedRuTable(m, 1_000, a) },
    { title: 'Monthly price', markdown: summaryTable(m, volumes, a) },
    ...volumes.map((v) => ({ title: `Detail at ${fmt(v / 1000, 0)}k`, markdown: detailTable(m, v, a) })),
    { title: 'With the free grants', markdown: summaryTable(m, volumes, { ...a, freeGrants: true }) },
    { title: `With ${RU_PER_QUERY_SMALL} RU per query`, markdown: summaryTable(m, volumes, { ...a, queryRu: RU_PER_QUERY_SMALL }) },
    { title: 'With every execution billed alone', markdown: summaryTable(m, volumes, { ...a, flexBilling: 'perExecution' }) },
  ];
}

// ---------------------------------------------------------------------------------------------
// The recorded measurement (from `node bench/cost-model.ts --json`; docs/cost.md quotes it)
// ---------------------------------------------------------------------------------------------

export const RECORDED: Measurement = {
  measuredAt: '2026-12-01T04:54:00.821Z',
  pipelines: 3,
  node: 'v24.21.0',
  cosmos: [
    { container: 'applications', operation: 'create', count: 1, ru: 7.95, avgBytes: 654 },
    { container: 'applications', operation: 'query', count: 1, ru: 0, avgBytes: 0 },
    { container: 'applications', operation: 'read', count: 38, ru: 45.7616, avgBytes: 5493.2931 },
    { container: 'applications', operation: 'replace', count: 19, ru: 458.2787, avgBytes: 5773.7368 },
    { container: 'calendarChannels', operation: 'read', count: 1, ru: 1, avgBytes: 558 },
    { container: 'calendarConnections', operation: 'read', count: 3, ru: 3.0227, avgBytes: 1218 },
    { container: 'calendarConnections', operation: 'replace', count: 1, ru: 11.6077, avgBytes: 1218 },
    { container: 'inbox', operation: 'create', count: 22, ru: 195.7, avgBytes: 971 },
    { container: 'inbox', operation: 'query', count: 2, ru: 0, avgBytes: 0 },
    { container: 'scheduledCalls', operation: 'create', count: 1, ru: 8.75, avgBytes: 809 },
    { container: 'scheduledCalls', operation: 'query', count: 1, ru: 0, avgBytes: 0 },
    { container: 'scheduledCalls', operation: 'read', count: 3, ru: 3, avgBytes: 861 },
    { container: 'scheduledCalls', operation: 'replace', count: 2, ru: 21.8, avgBytes: 887 },
    { container: 'slots', operation: 'create', count: 1, ru: 7.15, avgBytes: 464 },
    { container: 'slots', operation: 'query', count: 3, ru: 0, avgBytes: 0 },
    { container: 'slots', operation: 'read', count: 3, ru: 3, avgBytes: 596.3333 },
    { container: 'slots', operation: 'replace', count: 2, ru: 26.6, avgBytes: 764.5 },
    { container: 'stageSla', operation: 'create', count: 6, ru: 48.9, avgBytes: 682.8333 },
    { container: 'stageSla', operation: 'read', count: 19, ru: 19.0095, avgBytes: 634.7544 },
    { container: 'stageSla', operation: 'replace', count: 13, ru: 164.7676, avgBytes: 977.4615 },
    { container: 'timeline', operation: 'create', count: 19, ru: 182.7693, avgBytes: 1024.8421 },
    { container: 'timeline', operation: 'read', count: 18, ru: 18.0085, avgBytes: 1023.4444 },
    { container: 'uploadIntents', operation: 'create', count: 2, ru: 15.7, avgBytes: 683.5 },
    { container: 'uploadIntents', operation: 'read', count: 4, ru: 4, avgBytes: 836 },
    { container: 'uploadIntents', operation: 'replace', count: 4, ru: 44.4, avgBytes: 969 },
    { container: 'uploads', operation: 'create', count: 2, ru: 15.3, avgBytes: 684.5 },
    { container: 'uploads', operation: 'read', count: 1, ru: 1, avgBytes: 649 },
    { container: 'webhooks', operation: 'query', count: 12, ru: 0, avgBytes: 0 },
    { container: 'webhooks', operation: 'read', count: 36, ru: 36, avgBytes: 569.6667 },
    { container: 'webhooks', operation: 'replace', count: 12, ru: 124.4, avgBytes: 297 },
  ],
  containers: [
    { container: 'applications', documentsPerPipeline: 1, avgBytes: 7011, avgTerms: 217, maxBytes: 7011 },
    { container: 'scheduledCalls', documentsPerPipeline: 1, avgBytes: 887, avgTerms: 22, maxBytes: 887 },
    { container: 'slots', documentsPerPipeline: 1, avgBytes: 668, avgTerms: 16, maxBytes: 668 },
    { container: 'uploads', documentsPerPipeline: 2, avgBytes: 684.5, avgTerms: 14.5, maxBytes: 720 },
    { container: 'uploadIntents', documentsPerPipeline: 2, avgBytes: 988.5, avgTerms: 23.5, maxBytes: 1024 },
    { container: 'timeline', documentsPerPipeline: 19, avgBytes: 1024.8421, avgTerms: 24.2632, maxBytes: 1056 },
    { container: 'webhooks', documentsPerPipeline: 0, avgBytes: 500.5, avgTerms: 12.5, maxBytes: 771 },
    { container: 'inbox', documentsPerPipeline: 22, avgBytes: 971, avgTerms: 20.7273, maxBytes: 1015, ttlDays: 90 },
    { container: 'calendarConnections', documentsPerPipeline: 0, avgBytes: 1218, avgTerms: 26, maxBytes: 1218 },
    { container: 'calendarChannels', documentsPerPipeline: 0, avgBytes: 558, avgTerms: 13, maxBytes: 558 },
    { container: 'stageSla', documentsPerPipeline: 6, avgBytes: 962.6667, avgTerms: 29, maxBytes: 1298 },
  ],
  applicationWrites: 20,
  avgApplicationBytes: 5517.75,
  changeFeedBatches: 20,
  ttlDeletesRu: 200.1,
  serviceBus: {
    sends: { 'stage-events': 19, notifications: 19, 'notification-deliveries': 46, 'calendar-sync': 1 },
    scheduled: 0,
    deliveries: { 'stage-events/Subscriptions/post-transition-callbacks': 19, notifications: 19, 'notification-deliveries': 46, 'calendar-sync': 1, 'stage-events/Subscriptions/calendar-cancellations': 1 },
    settlements: 86,
    atsSyncCopies: 19,
  },
  functions: [
    { name: 'applyStageAction', trigger: 'httpTrigger', count: 8, avgMs: 41.5831 },
    { name: 'calendarCancellations', trigger: 'serviceBusTrigger', count: 1, avgMs: 21.3633 },
    { name: 'calendarNotifications', trigger: 'httpTrigger', count: 1, avgMs: 11.7334 },
    { name: 'calendarSync', trigger: 'serviceBusTrigger', count: 1, avgMs: 93.1702 },
    { name: 'contentGate', trigger: 'blobTrigger', count: 2, avgMs: 58.5392 },
    { name: 'createApplication', trigger: 'httpTrigger', count: 1, avgMs: 7.1626 },
    { name: 'createStage', trigger: 'httpTrigger', count: 6, avgMs: 35.3341 },
    { name: 'createUploadIntent', trigger: 'httpTrigger', count: 2, avgMs: 50.2949 },
    { name: 'getApplication', trigger: 'httpTrigger', count: 2, avgMs: 17.7475 },
    { name: 'getUpload', trigger: 'httpTrigger', count: 2, avgMs: 5.54 },
    { name: 'listApplications', trigger: 'httpTrigger', count: 1, avgMs: 30.0756 },
    { name: 'listInbox', trigger: 'httpTrigger', count: 1, avgMs: 14.1597 },
    { name: 'listStageSlots', trigger: 'httpTrigger', count: 1, avgMs: 46.3076 },
    { name: 'notificationDeliveries', trigger: 'serviceBusTrigger', count: 46, avgMs: 36.7108 },
    { name: 'notificationsFanOut', trigger: 'serviceBusTrigger', count: 19, avgMs: 24.0676 },
    { name: 'outboxPublisher', trigger: 'cosmosDBTrigger', count: 20, avgMs: 28.3529 },
    { name: 'publishSlots', trigger: 'httpTrigger', count: 1, avgMs: 18.5918 },
    { name: 'scheduleInterview', trigger: 'httpTrigger', count: 1, avgMs: 136.6674 },
    { name: 'stageCallbacks', trigger: 'serviceBusTrigger', count: 19, avgMs: 32.6862 },
    { name: 'submitStageFeedback', trigger: 'httpTrigger', count: 2, avgMs: 39.005 },
  ],
  blob: {
    writes: 4,
    reads: 6,
    other: 4,
    deletes: 2,
    keptDocuments: 2,
  },
  outboundHttpCalls: 26,
  blobCreatedEvents: 4,
  quarantineEvents: 2,
  notificationEvents: 19,
  notificationDeliveries: 46,
  timers: [
    { name: 'outboxSweeper', perMonth: 43800, requests: { 'strandedOutboxes:queryPlan': 1, 'strandedOutboxes:query': 1 }, ru: 0 },
    { name: 'calendarHoldSweeper', perMonth: 43800, requests: { 'slots:queryPlan': 1, 'slots:query': 1, 'scheduledCalls:queryPlan': 2, 'scheduledCalls:query': 2 }, ru: 0 },
    { name: 'calendarPoll', perMonth: 8760, requests: { 'calendarConnections:queryPlan': 1, 'calendarConnections:query': 1, 'calendarConnections:read': 3, 'calendarConnections:replace': 1, 'scheduledCalls:queryPlan': 1, 'scheduledCalls:query': 1 }, ru: 14.2305 },
  ],
  metricSeries: 62,
};

// ---------------------------------------------------------------------------------------------
// Measuring on the local host
// ---------------------------------------------------------------------------------------------

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
  const { mkdtempSync, rmSync, readFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { createServer } = await import('node:http');
  const { Agent } = await import('node:https');
  const { CosmosClient } = await import('@azure/cosmos');
  const { startLocalHost } = await import('../local/host/local-host.ts');
  const { signDevToken } = await import('../local/dev-issuer.ts');
  const { operationOf } = await import('../local/cosmos/cosmos-faults.ts');
  const { functionRegistry } = await import('../local/host/function-registry.ts');
  const { completeEndedCalls } = await import('../shared/scheduling/use-cases/sync/poll-calendars.ts');
  const { containers: containerDefinitions } = await import('../shared/platform/cosmos-containers.ts');
  const { pdf } = await import('../test/support/document-files.ts');

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
      lastCosmosAt = Date.now();
      const segments = request.url.split('?')[0]!.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
      const container = segments[3] ?? '(account)';
      let operation: string = operationOf(request as never) ?? 'metadata';
      if (String(request.headers['x-ms-cosmos-is-query-plan-request'] ?? '').toLowerCase() === 'true') operation = 'queryPlan';
      const pk = String(request.headers['x-ms-documentdb-partitionkey'] ?? '');
      const record = (event: Omit<CosmosEvent, 'container' | 'operation'>): void => {
        if (counting) events.push({ container, operation, ...event });
      };
      if (operation === 'create' || operation === 'upsert' || operation === 'replace') {
        const document = JSON.parse(request.body.toString('utf8')) as { id: string };
        const key = `${container}|${pk}|${document.id}`;
        const bytes = Buffer.byteLength(request.body);
        const terms = indexTerms(document);
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
    let deliveredDocs = 0;
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
            if (fn.name === 'outboxPublisher' && Array.isArray(input)) deliveredDocs += input.length;
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
        if (Date.now() > deadline) throw new Error('the host did not settle within 60 s');
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
        avgTerms: sum(all.map((d) => termCount(indexTerms(d)))) / all.length,
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
    // The local trigger point-reads each changed document before handing it over; Azure's trigger does not (the feed carries it).
    const localReads = byKey.get('applications:read');
    if (localReads !== undefined && deliveredDocs > 0) {
      const keep = Math.max(0, localReads.count - deliveredDocs) / localReads.count;
      byKey.set('applications:read', { ...localReads, count: localReads.count * keep, ru: localReads.ru * keep, bytes: localReads.bytes * keep });
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

function printReport(m: Measurement): void {
  console.log(`\nMeasured ${m.pipelines} pipeline(s) at ${m.measuredAt} (Node ${m.node}).\n`);
  console.log('Timers, one idle run each:');
  for (const t of m.timers) console.log(`  ${t.name}: ${JSON.stringify(t.requests)}, ${fmt(t.ru, 2)} RU besides queries`);
  console.log(`Metric series exported per instance: ${m.metricSeries}`);
  for (const block of documentBlocks(m)) console.log(`\n${block.title}:\n\n${block.markdown}`);
}

const isMain = process.argv[1] !== undefined && import.meta.filename === process.argv[1];
if (isMain) {
  const args = process.argv.slice(2);
  let measurement: Measurement;
  if (args.includes('--recorded')) {
    measurement = RECORDED;
  } else {
    const pipelines = Number(process.env['COST_PIPELINES'] ?? 3);
    measurement = await measure({ pipelines, log: (line) => console.error(line) });
  }
  if (args.includes('--json')) console.log(JSON.stringify(measurement, null, 2));
  printReport(measurement);
}
