/** What a cost measurement holds (per pipeline, averaged), what the model assumes, and the platform work that runs whatever the volume. */
import { MINUTES_PER_MONTH, RU_PER_QUERY_PUBLISHED } from './rules.ts';

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

/** Cosmos DB trigger defaults (src: functions-cosmos-trigger-options): poll 5 s, lease acquire 13 s, lease renew 17 s. */
export const CHANGE_FEED = { pollSeconds: 5, acquireSeconds: 13, renewSeconds: 17, leaseBytes: 450, leaseTermsChanged: 2 };
/** Functions host lock: one blob lease renewal every 12 s while an instance runs (src: host-lease-issue). */
export const HOST_LEASE_RENEW_SECONDS = 12;
export const SECONDS_PER_MONTH = MINUTES_PER_MONTH * 60;
