import { spawn } from 'node:child_process';
import dns from 'node:dns';
import { lookup } from 'node:dns/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import net from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOOPBACK_ONLY_MODULE, NETWORK_BLOCKED, refusals } from '../support/loopback-only.ts';

const PUBLIC_IP = '93.184.216.34';
const PUBLIC_NAME = 'example.com';

/** A local HTTP server that answers `hello <n>` and counts connections and requests. */
async function countingServer(host: string): Promise<{ server: Server; port: number; connections: () => number; requests: () => number }> {
  let connections = 0;
  let requests = 0;
  const server = createServer((_req, res) => res.end(`hello ${++requests}`));
  server.on('connection', () => void (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, port: (server.address() as net.AddressInfo).port, connections: () => connections, requests: () => requests };
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** The socket's first 'error'; fails if it ever connects. */
function socketFailure(socket: net.Socket, connectEvent = 'connect'): Promise<NodeJS.ErrnoException> {
  return new Promise((resolve, reject) => {
    socket.once(connectEvent, () => reject(new Error(`${connectEvent} to a non-loopback address`)));
    socket.once('error', resolve);
  });
}

function refusedTargets(): string[] {
  return refusals().map((r) => r.target);
}

/** A non-loopback address of this machine, if it has one: a connection to it never leaves, so only the guard can stop it. */
const ownAddress = Object.values(networkInterfaces())
  .flat()
  .find((entry) => entry !== undefined && !entry.internal && entry.family === 'IPv4')?.address;

describe('loopback-only guard: loopback still works', () => {
  let local: Awaited<ReturnType<typeof countingServer>>;
  beforeAll(async () => void (local = await countingServer('127.0.0.1')));
  afterAll(() => close(local.server));

  it('lets fetch reach a server on 127.0.0.1 and on localhost', async () => {
    const before = local.requests();
    const byAddress = await fetch(`http://127.0.0.1:${local.port}/`);
    expect(byAddress.status).toBe(200);
    expect(await byAddress.text()).toBe(`hello ${before + 1}`);
    const byName = await fetch(`http://localhost:${local.port}/`);
    expect(await byName.text()).toBe(`hello ${before + 2}`);
    expect(local.requests()).toBe(before + 2);
  });

  it('lets net.connect reach loopback and resolves localhost and IP literals', async () => {
    const connectionsBefore = local.connections();
    const socket = net.connect(local.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    socket.destroy();
    expect(local.connections()).toBe(connectionsBefore + 1);
    expect((await lookup('localhost', { all: true })).every((a) => ['127.0.0.1', '::1'].includes(a.address))).toBe(true);
    expect(await lookup(PUBLIC_IP)).toEqual({ address: PUBLIC_IP, family: 4 });
  });

  it('lets a client use a unix-domain socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stageline-loopback-'));
    const socketPath = join(dir, 'server.sock');
    const server = createServer((_req, res) => res.end('over a unix socket'));
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      const body = await new Promise<string>((resolve, reject) => {
        request({ socketPath, path: '/' }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(text));
        })
          .on('error', reject)
          .end();
      });
      expect(body).toBe('over a unix socket');
    } finally {
      await close(server);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('loopback-only guard: everything else is refused', () => {
  it('fails net.connect to a public address asynchronously, before a socket is opened', async () => {
    const socket = net.connect(80, PUBLIC_IP);
    // The real connect creates its OS handle synchronously: none here, so nothing was opened.
    expect((socket as unknown as { _handle: unknown })._handle).toBeNull();
    expect(socket.destroyed).toBe(false);
    const error = await socketFailure(socket);
    expect(error).toMatchObject({ code: NETWORK_BLOCKED, syscall: 'connect', address: PUBLIC_IP, port: 80 });
    expect(error.message).toBe(`Refused outbound connection to ${PUBLIC_IP}:80: tests may only talk to loopback (test/support/loopback-only.ts)`);
    expect(socket.destroyed).toBe(true);
    expect(refusedTargets()).toContain(`${PUBLIC_IP}:80`);
  });

  it('fails net.connect and tls.connect to a host name without looking it up', async () => {
    const lookups = () => refusals().filter((r) => r.kind === 'lookup').length;
    const lookupsBefore = lookups();
    const plain = net.connect({ host: PUBLIC_NAME, port: 80 });
    expect((plain as unknown as { _handle: unknown })._handle).toBeNull();
    expect(await socketFailure(plain)).toMatchObject({ code: NETWORK_BLOCKED, address: PUBLIC_NAME, port: 80 });

    const secure = tls.connect({ host: PUBLIC_NAME, port: 443, servername: PUBLIC_NAME });
    const error = await socketFailure(secure, 'secureConnect');
    expect(error).toMatchObject({ code: NETWORK_BLOCKED, address: PUBLIC_NAME, port: 443 });
    expect(error.message).toContain(`${PUBLIC_NAME}:443`);

    const targets = refusedTargets();
    expect(targets).toEqual(expect.arrayContaining([`${PUBLIC_NAME}:80`, `${PUBLIC_NAME}:443`]));
    // No lookup was even attempted (the guarded dns.lookup would have refused and recorded it): the refusal came first.
    expect(lookups()).toBe(lookupsBefore);
  });

  it('fails fetch to a public address and to a host name with the blocked error as the cause', async () => {
    for (const url of [`http://${PUBLIC_IP}/`, `https://${PUBLIC_NAME}/`]) {
      const error = await fetch(url).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).cause).toMatchObject({ code: NETWORK_BLOCKED });
    }
    expect(refusedTargets()).toEqual(expect.arrayContaining([`${PUBLIC_IP}:80`, `${PUBLIC_NAME}:443`]));
  });

  it.skipIf(ownAddress === undefined)('refuses this machine’s own non-loopback address: the listening server sees no connection', async () => {
    const own = await countingServer('0.0.0.0');
    try {
      // Without the guard both would connect: the address is local and the server listens on it.
      expect(await socketFailure(net.connect(own.port, ownAddress!))).toMatchObject({ code: NETWORK_BLOCKED });
      await expect(fetch(`http://${ownAddress}:${own.port}/`)).rejects.toMatchObject({ cause: { code: NETWORK_BLOCKED } });
      expect(own.connections()).toBe(0);
      // The same server on loopback answers: the refusal is about the address, not the server.
      expect(await (await fetch(`http://127.0.0.1:${own.port}/`)).text()).toBe('hello 1');
      expect(own.connections()).toBe(1);
    } finally {
      await close(own.server);
    }
  });

  it('fails dns.lookup, dns.promises.lookup and resolver queries for a public name', async () => {
    const viaCallback = await new Promise<NodeJS.ErrnoException | null>((resolve) => dns.lookup(PUBLIC_NAME, (error) => resolve(error)));
    expect(viaCallback).toMatchObject({ code: NETWORK_BLOCKED, hostname: PUBLIC_NAME });
    expect(viaCallback?.message).toBe(`Refused DNS lookup of ${PUBLIC_NAME}: tests may only talk to loopback (test/support/loopback-only.ts)`);
    await expect(lookup(PUBLIC_NAME)).rejects.toMatchObject({ code: NETWORK_BLOCKED });
    await expect(dns.promises.resolve4(PUBLIC_NAME)).rejects.toMatchObject({ code: NETWORK_BLOCKED });
    await expect(new dns.promises.Resolver().resolveSrv(`_origin._tcp.${PUBLIC_NAME}`)).rejects.toMatchObject({ code: NETWORK_BLOCKED });
    const viaResolver = await new Promise<Error | null>((resolve) => new dns.Resolver().resolveTxt(PUBLIC_NAME, (error) => resolve(error)));
    expect(viaResolver).toMatchObject({ code: NETWORK_BLOCKED });
    expect(refusals().filter((r) => r.kind === 'lookup').map((r) => r.target)).toEqual(expect.arrayContaining([PUBLIC_NAME]));
  });
});

describe('loopback-only guard: Node children', () => {
  let local: Awaited<ReturnType<typeof countingServer>>;
  beforeAll(async () => void (local = await countingServer('127.0.0.1')));
  afterAll(() => close(local.server));

  /** Runs a module script in a child Node; it reports what a loopback fetch, a public connect and a public lookup gave. */
  async function probeChild(args: string[], env: NodeJS.ProcessEnv): Promise<{ loopback: string; connect: string; lookup: string }> {
    const script = `
      import net from 'node:net';
      import dns from 'node:dns';
      const loopback = await (await fetch('http://127.0.0.1:${local.port}/')).text();
      const connect = await new Promise((resolve) => {
        const socket = net.connect(80, '${PUBLIC_IP}');
        socket.on('connect', () => { resolve('connected'); socket.destroy(); });
        socket.on('error', (error) => resolve(error.code));
      });
      const lookup = await new Promise((resolve) => dns.lookup('${PUBLIC_NAME}', (error) => resolve(error ? error.code : 'resolved')));
      console.log(JSON.stringify({ loopback, connect, lookup }));`;
    const child = spawn(process.execPath, [...args, '--input-type=module', '-e', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    if (code !== 0) throw new Error(`child exited with ${code}: ${stderr}`);
    return JSON.parse(stdout.trim()) as { loopback: string; connect: string; lookup: string };
  }

  it('is preloaded into a child that inherits the environment, as the local host and kill-test writers do', async () => {
    expect(process.env['NODE_OPTIONS']).toContain(`--import=${LOOPBACK_ONLY_MODULE}`);
    const before = local.requests();
    expect(await probeChild([], process.env)).toEqual({ loopback: `hello ${before + 1}`, connect: NETWORK_BLOCKED, lookup: NETWORK_BLOCKED });
    expect(local.requests()).toBe(before + 1);
  });

  it('works as an explicit --import preload in a child with a bare environment', async () => {
    const before = local.requests();
    const result = await probeChild(['--import', LOOPBACK_ONLY_MODULE], { PATH: process.env['PATH'] ?? '' });
    expect(result).toEqual({ loopback: `hello ${before + 1}`, connect: NETWORK_BLOCKED, lookup: NETWORK_BLOCKED });
  });
});
