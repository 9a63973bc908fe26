/** What the benchmark client and its host process (`bench-host.ts`) say to each other over IPC. */

/** The benchmark client's Cosmos DB requests carry this user agent; the host leaves them out of its counts. */
export const BENCH_USER_AGENT = 'stageline-bench';

export interface HostReady {
  readonly type: 'ready';
  readonly baseUrl: string;
  readonly dataDir: string;
  readonly cosmos: { readonly endpoint: string; readonly key: string; readonly caCertificatePath: string; readonly database: string };
}

export type HostCommand = { readonly id: number } & (
  | { readonly name: 'stats' | 'reset' | 'sweep' | 'stop'; readonly args?: undefined }
  | { readonly name: 'schedule'; readonly args: { tenantId: string; candidateId: string; applicationId: string; stageId: string; n: number } }
  | { readonly name: 'walk'; readonly args: { container: string } }
);

export interface HostReply {
  readonly type: 'reply';
  readonly id: number;
  readonly value?: unknown;
  readonly error?: string;
}

export interface HostStats {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** Active + locked messages over every broker entity. */
  readonly brokerInFlight: number;
  /** The host's requests to its Cosmos DB server by `container:operation` (`… 412` when refused). */
  readonly operations: Record<string, number>;
  /** Documents that queries and listings had to read, by container (the benchmark client's as `bench/<container>`). */
  readonly documentsRead: Record<string, number>;
  /** The broker's journal appends by record (`send`, `deliver`, `complete`, …). */
  readonly brokerJournal: Record<string, number>;
  /** The app's Cosmos request meter (`stageline.cosmos.requests`): `container:operation`, scoped ones as `scope/container:operation`. */
  readonly meter: Record<string, number>;
}

export interface SweepResult {
  readonly ms: number;
  /** Stranded applications the sweep found. */
  readonly applications: number;
}

/** One pass over every document a container holds, in the local server's memory (the query benchmark's baseline). */
export interface WalkResult {
  readonly ms: number;
  readonly documents: number;
}
