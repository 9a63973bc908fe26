import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCosmosTrigger, type CosmosTrigger, type CosmosTriggerOptions } from '../../local/cosmos/cosmos-trigger-runner.ts';
import { DATABASE, startLocalCosmos, tempDirectory, waitFor, type LocalCosmos, type TempDirectory } from './cosmos-support/cosmos-fixtures.ts';

type Doc = { id: string; tenantId: string; applicationId: string; stage?: string; _lsn?: number };

const LEASE_ID = 'onApplicationChanged.stageline.applications..0';

describe('local Cosmos DB trigger runner', () => {
  let temp: TempDirectory;
  let cosmos: LocalCosmos;
  let trigger: CosmosTrigger | undefined;
  let batches: Doc[][];
  let logs: string[];

  beforeEach(async () => {
    temp = tempDirectory();
    cosmos = await startLocalCosmos(temp.dir);
    batches = [];
    logs = [];
  });
  afterEach(async () => {
    await trigger?.close();
    trigger = undefined;
    await cosmos.stop();
    temp.remove();
  });

  /** Starts the runner with a long poll delay: the test drives it with poke(). */
  async function start(options: Partial<CosmosTriggerOptions> = {}): Promise<CosmosTrigger> {
    trigger = await startCosmosTrigger({
      client: cosmos.client,
      databaseName: DATABASE,
      containerName: 'applications',
      leaseId: 'onApplicationChanged',
      feedPollDelayMs: 60_000,
      handler: async (documents) => void batches.push(documents as Doc[]),
      log: (line) => logs.push(line),
      ...options,
    });
    return trigger;
  }

  const delivered = () => batches.flat().map((d) => `${d.id}:${d.stage ?? '-'}`);
  const storedContinuation = async () => {
    const { resource } = await cosmos.container('leases').item(LEASE_ID, LEASE_ID).read<{ ContinuationToken: string }>();
    return Number(resource?.ContinuationToken);
  };
  /** The lease's stored continuation is past every change of the monitored container. */
  const leaseCoversFeed = async () => {
    const continuation = await storedContinuation();
    return cosmos.server.changeFeed.read(DATABASE, 'applications', { afterLsn: continuation }).changes.length === 0;
  };

  it('delivers creates and updates (latest version), then stores the continuation in its lease', async () => {
    const runner = await start();
    const applications = cosmos.container('applications');
    await applications.items.create({ id: 'a', tenantId: 't1', applicationId: 'app-1', stage: 'applied' });
    await applications.items.create({ id: 'b', tenantId: 't1', applicationId: 'app-2', stage: 'applied' });
    runner.poke();
    await waitFor(() => delivered().length === 2, 'the first batch');
    expect(delivered()).toEqual(['a:applied', 'b:applied']);

    await applications.item('a', ['t1', 'app-1']).replace({ id: 'a', tenantId: 't1', applicationId: 'app-1', stage: 'screening' });
    await applications.items.create({ id: 'gone', tenantId: 't1', applicationId: 'app-1' });
    await applications.item('gone', ['t1', 'app-1']).delete();
    runner.poke();
    await waitFor(() => delivered().length === 3, 'the update');
    expect(delivered()).toEqual(['a:applied', 'b:applied', 'a:screening']);
    expect(batches[1]![0]!._lsn).toBeGreaterThan(batches[0]![1]!._lsn!);
    await waitFor(leaseCoversFeed, 'the lease to hold the feed end');
  });

  it('reads a page of changes with the documents in one change-feed request (no point read per document), at most maxItemsPerInvocation at a time', async () => {
    const applications = cosmos.container('applications');
    const runner = await start({ maxItemsPerInvocation: 3 });
    const pointReads = cosmos.server.faults.inject({ status: 503, container: 'applications', operation: 'read' });
    try {
      for (const id of ['p1', 'p2', 'p3', 'p4', 'p5']) await applications.items.create({ id, tenantId: 't1', applicationId: `app-${id}`, stage: 'applied' });
      runner.poke();
      await waitFor(() => delivered().length === 5, 'five documents');
      expect(batches.map((batch) => batch.map((d) => d.id))).toEqual([['p1', 'p2', 'p3'], ['p4', 'p5']]);
      expect(pointReads.hits).toBe(0);
      await waitFor(leaseCoversFeed, 'the lease to hold the feed end');
    } finally {
      pointReads.remove();
    }
  });

  it('goes on from its stored continuation after the change feed failed to answer', async () => {
    const applications = cosmos.container('applications');
    const runner = await start();
    const outage = cosmos.server.faults.inject({ status: 503, container: 'applications', operation: 'changeFeed' });
    await applications.items.create({ id: 'o1', tenantId: 't1', applicationId: 'app-o1' });
    runner.poke();
    await waitFor(() => logs.some((line) => line.includes('polling the change feed failed')), 'the failure logged');
    expect(outage.hits).toBeGreaterThan(0);
    expect(delivered()).toEqual([]);
    outage.remove();
    runner.poke();
    await waitFor(() => delivered().length === 1, 'the document after the outage');
    expect(delivered()).toEqual(['o1:-']);
  });

  it('starts a new lease at the current end, or at the beginning when asked and no lease exists', async () => {
    const applications = cosmos.container('applications');
    await applications.items.create({ id: 'old', tenantId: 't1', applicationId: 'app-1' });
    const runner = await start();
    await applications.items.create({ id: 'new', tenantId: 't1', applicationId: 'app-1' });
    runner.poke();
    await waitFor(() => delivered().length === 1, 'the new document');
    expect(delivered()).toEqual(['new:-']);
    await trigger!.close();

    trigger = undefined;
    batches = [];
    const fromBeginning = await start({ leaseId: 'another', startFromBeginning: true });
    fromBeginning.poke();
    await waitFor(() => delivered().length === 2, 'everything from the beginning');
    expect(delivered()).toEqual(['old:-', 'new:-']);
  });

  it('with a retry policy, delivers a failing batch again until the handler succeeds', async () => {
    let calls = 0;
    const runner = await start({
      retry: { maxRetryCount: 3, delayMs: 5 },
      handler: async (documents) => {
        calls += 1;
        batches.push(documents as Doc[]);
        if (calls < 3) throw new Error(`transient failure ${calls}`);
      },
    });
    await cosmos.container('applications').items.create({ id: 'a', tenantId: 't1', applicationId: 'app-1' });
    runner.poke();
    await waitFor(() => calls === 3, 'two retries');
    expect(delivered()).toEqual(['a:-', 'a:-', 'a:-']);
    await waitFor(leaseCoversFeed, 'the lease to move on');
    expect(logs.filter((line) => line.includes('retry'))).toHaveLength(2);
  });

  it('asks a retry policy for each retry\'s delay (exponential backoff), in order', async () => {
    const asked: number[] = [];
    let calls = 0;
    const runner = await start({
      retry: { maxRetryCount: 3, delayMs: (retryIndex) => (asked.push(retryIndex), 2 ** retryIndex) },
      handler: async () => {
        calls += 1;
        if (calls <= 3) throw new Error('transient');
      },
    });
    await cosmos.container('applications').items.create({ id: 'backoff', tenantId: 't1', applicationId: 'app-1' });
    runner.poke();
    await waitFor(() => calls === 4, 'three retries, then success');
    expect(asked).toEqual([0, 1, 2]);
    expect(logs.filter((line) => line.includes('retry')).map((line) => /in (\d+) ms/.exec(line)?.[1])).toEqual(['1', '2', '4']);
  });

  it('with a retry policy, gives up after maxRetryCount and moves on', async () => {
    let calls = 0;
    const runner = await start({
      retry: { maxRetryCount: 2, delayMs: 5 },
      handler: async (documents) => {
        calls += 1;
        batches.push(documents as Doc[]);
        if ((documents as Doc[])[0]!.id === 'poison') throw new Error('always fails');
      },
    });
    await cosmos.container('applications').items.create({ id: 'poison', tenantId: 't1', applicationId: 'app-1' });
    runner.poke();
    await waitFor(() => calls === 3, 'the first attempt and two retries');
    await cosmos.container('applications').items.create({ id: 'next', tenantId: 't1', applicationId: 'app-1' });
    runner.poke();
    await waitFor(() => delivered().includes('next:-'), 'the next document');
    expect(delivered()).toEqual(['poison:-', 'poison:-', 'poison:-', 'next:-']);
    expect(logs.some((line) => line.includes('after 2 retries'))).toBe(true);
  });

  it('without a retry policy, a failed batch is not retried: the runner logs it and moves on', async () => {
    const runner = await start({
      handler: async (documents) => {
        batches.push(documents as Doc[]);
        if ((documents as Doc[])[0]!.id === 'lost') throw new Error('boom');
      },
    });
    await cosmos.container('applications').items.create({ id: 'lost', tenantId: 't1', applicationId: 'app-1' });
    runner.poke();
    await waitFor(() => delivered().length === 1, 'the failing batch');
    await waitFor(leaseCoversFeed, 'the lease to move past it');
    await cosmos.container('applications').items.create({ id: 'after', tenantId: 't1', applicationId: 'app-1' });
    runner.poke();
    await waitFor(() => delivered().length === 2, 'the next batch');
    expect(delivered()).toEqual(['lost:-', 'after:-']);
    expect(logs.some((line) => line.includes('no retry policy') && line.includes('boom'))).toBe(true);
  });

  it('keeps its continuation across a restart: nothing processed is redelivered, writes made while down are delivered', async () => {
    const applications = cosmos.container('applications');
    const runner = await start();
    await applications.items.create({ id: 'a', tenantId: 't1', applicationId: 'app-1' });
    await applications.items.create({ id: 'b', tenantId: 't1', applicationId: 'app-1' });
    runner.poke();
    await waitFor(() => delivered().length === 2, 'the first documents');
    await waitFor(leaseCoversFeed, 'the lease');
    await trigger!.close();
    trigger = undefined;
    await cosmos.stop();

    cosmos = await startLocalCosmos(temp.dir);
    await cosmos.container('applications').items.create({ id: 'c', tenantId: 't1', applicationId: 'app-1' });
    await cosmos.container('applications').items.upsert({ id: 'a', tenantId: 't1', applicationId: 'app-1', stage: 'offer' });
    batches = [];
    const restarted = await start({ startFromBeginning: true });
    restarted.poke();
    await waitFor(() => delivered().length === 2, 'the writes made while down');
    expect(delivered()).toEqual(['c:-', 'a:offer']);
  });

  it('redelivers a batch whose lease was never written (closed during retries: at least once)', async () => {
    let calls = 0;
    const runner = await start({
      retry: { maxRetryCount: -1, delayMs: 20 },
      handler: async (documents) => {
        calls += 1;
        batches.push(documents as Doc[]);
        throw new Error('down');
      },
    });
    const continuationBefore = await storedContinuation();
    await cosmos.container('applications').items.create({ id: 'a', tenantId: 't1', applicationId: 'app-1' });
    runner.poke();
    await waitFor(() => calls >= 2, 'a retry');
    await trigger!.close();
    trigger = undefined;
    expect(await storedContinuation()).toBe(continuationBefore);

    batches = [];
    const again = await start();
    again.poke();
    await waitFor(() => delivered().length === 1, 'the redelivery');
    expect(delivered()).toEqual(['a:-']);
  });
});
