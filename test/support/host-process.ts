import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');

export interface HostProcess {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  readonly cosmosEndpoint: string;
  readonly cosmosCertificate: string;
  output(): string;
  /** SIGKILL, as a crash: nothing is flushed or stopped cleanly. */
  kill9(): Promise<void>;
  /** SIGINT, as Ctrl-C. */
  interrupt(): Promise<number | null>;
}

/**
 * Runs `node local/main.ts` as a separate process on free ports and waits for its banner. It
 * inherits NODE_OPTIONS, so it and its Azurite preload the loopback-only guard.
 */
export async function startHostProcess(dataDir: string, extraArgs: string[] = []): Promise<HostProcess> {
  const child = spawn(process.execPath, ['local/main.ts', '--port', '0', '--data-dir', dataDir, '--ephemeral-ports', ...extraArgs], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));

  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`host did not start within 60 s:\n${output}`)), 60_000);
    const check = () => {
      if (output.includes('Press Ctrl-C to stop.')) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`host exited with ${code} before it was ready:\n${output}`));
    });
  });

  const field = (pattern: RegExp) => {
    const match = pattern.exec(output);
    if (!match?.[1]) throw new Error(`banner has no ${pattern}:\n${output}`);
    return match[1];
  };
  return {
    child,
    baseUrl: field(/API\s+(http:\/\/\S+)\/api/),
    cosmosEndpoint: field(/Cosmos DB\s+(https:\/\/\S+)/),
    cosmosCertificate: field(/certificate (\S+)\)/),
    output: () => output,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async interrupt() {
      child.kill('SIGINT');
      return exited;
    },
  };
}
