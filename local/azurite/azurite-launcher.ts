/**
 * Runs Azurite (blob, queue, table) from the npm package as a child process on loopback.
 *
 * The child never outlives us: a normal exit of this process sends it SIGTERM, and a preload
 * in the child ends it once its IPC channel to us closes (which also covers us being killed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { accountEndpoint, devConnectionString, DEV_ACCOUNT_KEY, DEV_ACCOUNT_NAME } from './azurite-account.ts';
import { portInUseFromLog, tailLines } from './azurite-log.ts';
import { assertPortFree, findFreePorts, PortInUseError } from './azurite-ports.ts';

export interface AzuriteOptions {
  /** Azurite keeps its data under `<dataDir>/azurite`. */
  readonly dataDir: string;
  readonly host?: string;
  readonly blobPort?: number;
  readonly queuePort?: number;
  readonly tablePort?: number;
  /** Azurite's debug log and console output; default `<dataDir>/azurite.log`. */
  readonly logFile?: string;
  readonly startTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL in `stop()`. */
  readonly stopGraceMs?: number;
}

export interface AzuriteInstance {
  readonly blobEndpoint: string;
  readonly queueEndpoint: string;
  readonly tableEndpoint: string;
  readonly connectionString: string;
  readonly accountName: string;
  readonly accountKey: string;
  readonly pid: number;
  readonly logFile: string;
  readonly location: string;
  stop(): Promise<void>;
}

interface Ports {
  readonly blob: number;
  readonly queue: number;
  readonly table: number;
}

const require = createRequire(import.meta.url);
const LOOPBACK = '127.0.0.1';
const AUTO_PORT_ATTEMPTS = 3;
const CHILD_GRACE_MS = 5_000;

/**
 * Preloaded into the child: when our IPC channel closes (we exited or died), shut Azurite down
 * through its own SIGTERM handler and force the exit if that does not finish in time.
 */
const PARENT_WATCH = `data:text/javascript,process.on('disconnect',()=>{process.emit('SIGTERM');setTimeout(()=>process.exit(0),${CHILD_GRACE_MS}).unref();});`;

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of liveChildren) child.kill('SIGTERM');
  });
}

export function azuriteEntryScript(): string {
  const packageJsonPath = require.resolve('azurite/package.json');
  const manifest = require(packageJsonPath) as { bin?: Record<string, string> };
  const bin = manifest.bin?.['azurite'];
  if (!bin) throw new Error(`The installed azurite package (${packageJsonPath}) has no "azurite" bin entry.`);
  return join(dirname(packageJsonPath), bin);
}

export async function startAzurite(options: AzuriteOptions): Promise<AzuriteInstance> {
  const host = options.host ?? LOOPBACK;
  const dataDir = resolve(options.dataDir);
  const location = join(dataDir, 'azurite');
  const logFile = resolve(options.logFile ?? join(dataDir, 'azurite.log'));
  mkdirSync(location, { recursive: true });
  mkdirSync(dirname(logFile), { recursive: true });

  const givenPorts = [options.blobPort, options.queuePort, options.tablePort];
  for (let attempt = 1; ; attempt++) {
    const ports = await choosePorts(host, options);
    try {
      return await launch({ host, ports, location, logFile, options });
    } catch (error) {
      // A port we picked was taken between choosing and binding: pick again.
      const retry = error instanceof PortInUseError && !givenPorts.includes(error.port) && attempt < AUTO_PORT_ATTEMPTS;
      if (!retry) throw error;
    }
  }
}

async function choosePorts(host: string, options: AzuriteOptions): Promise<Ports> {
  const given = [options.blobPort, options.queuePort, options.tablePort];
  const free = (await findFreePorts(host, 6)).filter((port) => !given.includes(port));
  const pick = (port: number | undefined): number => port ?? free.shift() ?? 0;
  const ports = { blob: pick(options.blobPort), queue: pick(options.queuePort), table: pick(options.tablePort) };
  await assertPortFree(host, ports.blob, 'blob');
  await assertPortFree(host, ports.queue, 'queue');
  await assertPortFree(host, ports.table, 'table');
  return ports;
}

interface LaunchPlan {
  readonly host: string;
  readonly ports: Ports;
  readonly location: string;
  readonly logFile: string;
  readonly options: AzuriteOptions;
}

async function launch(plan: LaunchPlan): Promise<AzuriteInstance> {
  const { host, ports, location, logFile } = plan;
  const args = [
    '--import', PARENT_WATCH,
    azuriteEntryScript(),
    '--blobHost', host, '--blobPort', String(ports.blob),
    '--queueHost', host, '--queuePort', String(ports.queue),
    '--tableHost', host, '--tablePort', String(ports.table),
    '--location', location,
    '--debug', logFile,
    '--skipApiVersionCheck',
    '--disableTelemetry',
    '--silent',
  ];
  const logFd = openSync(logFile, 'a');
  writeSync(logFd, `\n--- ${new Date().toISOString()} stageline: starting Azurite (blob ${ports.blob}, queue ${ports.queue}, table ${ports.table}) in ${location}\n`);
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, args, { stdio: ['ignore', logFd, logFd, 'ipc'], windowsHide: true });
  } finally {
    closeSync(logFd);
  }
  // Neither the child nor its IPC channel may keep this process alive; the exit hook ends it.
  child.unref();
  child.channel?.unref();
  installExitHook();
  liveChildren.add(child);
  const exited = new Promise<number | string>((done) => {
    child.once('exit', (code, signal) => {
      liveChildren.delete(child);
      done(code ?? signal ?? 'unknown');
    });
  });
  // An IPC channel error (e.g. the child died) must not crash us.
  child.on('error', () => undefined);

  const endpoints = {
    blobEndpoint: accountEndpoint(host, ports.blob),
    queueEndpoint: accountEndpoint(host, ports.queue),
    tableEndpoint: accountEndpoint(host, ports.table),
  };
  const stop = stopper(child, exited, plan.options.stopGraceMs ?? CHILD_GRACE_MS);

  const ready = waitUntilAnswering(Object.values(endpoints), plan.options.startTimeoutMs ?? 60_000);
  let outcome: 'ready' | { code: number | string };
  try {
    outcome = await Promise.race([ready.then(() => 'ready' as const), exited.then((code) => ({ code }))]);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message} See its log: ${logFile}`);
  }
  if (outcome !== 'ready') {
    ready.cancel();
    throw earlyExitError(outcome.code, logFile, host);
  }
  if (child.pid === undefined) {
    await stop();
    throw new Error(`Azurite did not start (no process id). See its log: ${logFile}`);
  }
  return {
    ...endpoints,
    connectionString: devConnectionString(endpoints),
    accountName: DEV_ACCOUNT_NAME,
    accountKey: DEV_ACCOUNT_KEY,
    pid: child.pid,
    logFile,
    location,
    stop,
  };

  function earlyExitError(code: number | string, log: string, bindHost: string): Error {
    const lines = tailLines(log, 15);
    const port = portInUseFromLog(lines);
    if (port !== undefined) {
      const label = port === ports.blob ? 'blob' : port === ports.queue ? 'queue' : port === ports.table ? 'table' : 'a';
      return new PortInUseError(label, bindHost, port);
    }
    const tail = lines.length > 0 ? `\nLast lines of the log:\n  ${lines.join('\n  ')}` : '';
    return new Error(`Azurite exited before it was ready (exit ${code}). See its log: ${log}${tail}`);
  }
}

function stopper(child: ChildProcess, exited: Promise<unknown>, graceMs: number): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      if (child.connected) child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };
}

interface Cancellable extends Promise<void> {
  cancel(): void;
}

function waitUntilAnswering(urls: readonly string[], timeoutMs: number): Cancellable {
  let cancelled = false;
  const run = async (): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    const pending = new Set(urls);
    while (pending.size > 0) {
      if (cancelled) return;
      if (Date.now() > deadline) throw new Error(`Azurite did not answer within ${timeoutMs} ms at ${[...pending].join(', ')}.`);
      for (const url of [...pending]) {
        if (await answers(url)) pending.delete(url);
      }
      if (pending.size > 0) await sleep(100);
    }
  };
  const promise = run() as Cancellable;
  promise.cancel = () => void (cancelled = true);
  promise.catch(() => undefined);
  return promise;
}

/** Any HTTP answer (even 400/403) means the server listens. */
async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}?comp=list`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
}
