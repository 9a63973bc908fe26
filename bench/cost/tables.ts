/** The Markdown tables docs/cost.md quotes, printed from a measurement and the model. */
import { PRICES, RU_PER_QUERY_PUBLISHED, RU_PER_QUERY_SMALL } from './rules.ts';
import { CHANGE_FEED, DEFAULT_ASSUMPTIONS, type Measurement, type ModelAssumptions } from './measurement.ts';
import { type MonthlyCost, billableSecondsOf, fixedRuItems, fixedRuPerMonth, fmt, pipelineRu, pipelineRuExtras, pipelineServiceBusOps, priceModel, sum } from './model.ts';

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
