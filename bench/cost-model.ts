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

import { type Measurement } from './cost/measurement.ts';
import { fmt } from './cost/model.ts';
import { documentBlocks } from './cost/tables.ts';
import { RECORDED } from './cost/recorded.ts';

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
    const { measure } = await import('./cost/measure.ts');
    measurement = await measure({ pipelines, log: (line) => console.error(line) });
  }
  if (args.includes('--json')) console.log(JSON.stringify(measurement, null, 2));
  printReport(measurement);
}
