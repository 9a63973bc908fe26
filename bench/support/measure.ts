/** Timing helpers shared by the benchmarks. Latencies in ms. */

export interface WindowStats {
  readonly ops: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p95: number;
}

export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

/** Runs `clients` loops for `seconds`, each op timed; `op(client, n)` (client i keeps to its own data). */
export async function measureWindow(clients: number, seconds: number, op: (client: number, n: number) => Promise<unknown>): Promise<WindowStats> {
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let n = 0; performance.now() < deadline; n += 1) {
        const t = performance.now();
        await op(client, n);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { ops: latencies.length, perSecond: latencies.length / elapsed, p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95) };
}

/** The `q` quantile of ascending `sorted`. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0] ?? 0, median: quantile(sorted, 0.5), max: sorted[sorted.length - 1] ?? 0 };
}

/** Latencies of sequential calls of each op, the ops taken in turn (round robin) so drift hits all alike. */
export async function sampleInTurn<K extends string>(rounds: number, ops: Readonly<Record<K, () => Promise<unknown>>>): Promise<Record<K, number[]>> {
  const samples = Object.fromEntries(Object.keys(ops).map((key) => [key, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < rounds; round += 1) {
    for (const key of Object.keys(ops) as K[]) {
      const t = performance.now();
      await ops[key]();
      samples[key].push(performance.now() - t);
    }
  }
  return samples;
}

/** `n` with `digits` decimals. */
export const fixed = (n: number, digits = 2): string => n.toFixed(digits);

/** `min / median / max` of a spread. */
export const spreadText = (s: Spread, digits = 2, unit = ''): string => `${fixed(s.min, digits)}${unit} / **${fixed(s.median, digits)}${unit}** / ${fixed(s.max, digits)}${unit}`;

export const mib = (bytes: number): string => `${fixed(bytes / 2 ** 20, 0)} MiB`;

/** `key a, key b` of counts divided by `per`, largest first, zeros left out. */
export function countsText(counts: Readonly<Record<string, number>>, per = 1, digits = 2): string {
  const entries = Object.entries(counts).filter(([, value]) => value !== 0).sort((a, b) => b[1] - a[1]);
  return entries.map(([key, value]) => `${key} ${fixed(value / per, digits)}`).join(', ') || 'none';
}
