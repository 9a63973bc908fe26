/**
 * Tests may only talk to loopback. This module is the vitest setup file (vitest.config.ts) and
 * also the `--import` preload of every Node process a test starts: importing it installs the
 * guard once per process and puts itself into NODE_OPTIONS, so children and their children
 * (the local host, Azurite, kill-test writers) carry it too.
 *
 * It refuses, before anything leaves the machine:
 * - a TCP or TLS connection (`net.Socket#connect`, under net, http(s) agents, fetch/undici,
 *   tls and http2) to anything but 127.0.0.0/8, ::1, ::ffff:127.x.x.x or `localhost`;
 *   unix-domain sockets (a `path`) are allowed;
 * - a name lookup (`dns.lookup`, `dns.promises.lookup`) of anything but `localhost` or an
 *   IP literal, and a reverse lookup (`lookupService`) of a non-loopback address;
 * - every query of the DNS resolver (`resolve*`, `reverse`, `Resolver`): those always send packets.
 *
 * A refusal fails like a real network error: the socket emits 'error' on the next tick (a
 * lookup calls back or rejects), with code ERR_TEST_NETWORK_BLOCKED and a message naming the
 * target. Every refusal is recorded in this process: `refusals()`.
 *
 * Plain TypeScript Node runs itself (type stripping): no enums, no parameter properties.
 */
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

export const NETWORK_BLOCKED = 'ERR_TEST_NETWORK_BLOCKED';

/** This module as a specifier for `node --import`. */
export const LOOPBACK_ONLY_MODULE = import.meta.url;

export interface Refusal {
  readonly kind: 'connect' | 'lookup' | 'query';
  /** Host and port, a name to look up, or the resolver query. */
  readonly target: string;
  readonly message: string;
}

interface GuardState {
  installed: boolean;
  readonly refusals: Refusal[];
}

/** One state per process, even if a preload and vitest each load their own copy of this module. */
const STATE_KEY = Symbol.for('stageline.test.loopback-only');
const SOURCE = 'test/support/loopback-only.ts';

const loopback = new net.BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** `localhost`, or an IPv4/IPv6 loopback address (IPv4-mapped ones included). */
export function isLoopback(host: string): boolean {
  if (host.toLowerCase() === 'localhost') return true;
  const family = net.isIP(host);
  return family !== 0 && loopback.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

/** Every refusal this process made, oldest first. */
export function refusals(): readonly Refusal[] {
  return [...state().refusals];
}

/** `env` (a child's environment) with this guard preloaded, for a child started with an explicit env. */
export function withLoopbackOnly(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return { ...env, NODE_OPTIONS: withPreload(env['NODE_OPTIONS']) };
}

function state(): GuardState {
  const global = globalThis as { [STATE_KEY]?: GuardState };
  return (global[STATE_KEY] ??= { installed: false, refusals: [] });
}

function withPreload(nodeOptions: string | undefined): string {
  const preload = `--import=${LOOPBACK_ONLY_MODULE}`;
  if (nodeOptions?.split(/\s+/).includes(preload)) return nodeOptions;
  return nodeOptions ? `${nodeOptions} ${preload}` : preload;
}

function refuse(kind: Refusal['kind'], target: string, what: string, fields: Record<string, unknown>): Error {
  const message = `Refused ${what}: tests may only talk to loopback (${SOURCE})`;
  state().refusals.push({ kind, target, message });
  return Object.assign(new Error(message), { code: NETWORK_BLOCKED, ...fields });
}

/** Where `socket.connect(...args)` goes, as `net` reads its arguments; undefined for a unix-domain socket. */
function connectTarget(args: unknown[]): { host: string; port: unknown } | undefined {
  const first = args[0];
  // net.connect() hands over its arguments already normalized: [options, callback].
  const options: unknown = Array.isArray(first) ? first[0] : first;
  if (typeof options === 'object' && options !== null) {
    const { path, host, port } = options as { path?: unknown; host?: unknown; port?: unknown };
    if (path) return undefined;
    return { host: typeof host === 'string' && host !== '' ? host : 'localhost', port };
  }
  if (typeof options === 'string' && !(Number(options) >= 0)) return undefined; // connect(path)
  const host = args[1];
  return { host: typeof host === 'string' && host !== '' ? host : 'localhost', port: options };
}

function hostAndPort(host: string, port: unknown): string {
  return `${host.includes(':') ? `[${host}]` : host}:${String(port)}`;
}

function guardConnect(): void {
  const original = net.Socket.prototype.connect;
  const guarded = function (this: net.Socket, ...args: unknown[]): net.Socket {
    const target = connectTarget(args);
    if (target === undefined || isLoopback(target.host)) return Reflect.apply(original, this, args) as net.Socket;
    const address = hostAndPort(target.host, target.port);
    const error = refuse('connect', address, `outbound connection to ${address}`, { syscall: 'connect', address: target.host, port: target.port });
    // As a real attempt would: the socket is connecting (writes wait), then fails on a later tick.
    (this as { connecting: boolean }).connecting = true;
    process.nextTick(() => this.destroy(error));
    return this;
  };
  net.Socket.prototype.connect = guarded as typeof original;
}

type Callback = (error: Error) => void;

/** Wraps `owner[name]`: calls the original when `allowed(args)`, otherwise fails with `refusal(args)` the way the API fails. */
function guardFunction(owner: object, name: string, style: 'callback' | 'promise', allowed: (args: unknown[]) => boolean, refusal: (args: unknown[]) => Error): void {
  const target = owner as Record<string, unknown>;
  const original = target[name];
  if (typeof original !== 'function') return;
  const guarded = function (this: unknown, ...args: unknown[]): unknown {
    if (allowed(args)) return Reflect.apply(original, this, args);
    const error = refusal(args);
    if (style === 'promise') return Promise.reject(error);
    const callback = args.at(-1);
    if (typeof callback !== 'function') throw error;
    process.nextTick(callback as Callback, error);
    return undefined;
  };
  // dns.lookup carries the names util.promisify gives its results: keep them.
  for (const key of Object.getOwnPropertySymbols(original)) {
    Object.defineProperty(guarded, key, Object.getOwnPropertyDescriptor(original, key)!);
  }
  target[name] = guarded;
}

function guardDns(): void {
  const mayLookUp = ([hostname]: unknown[]) => typeof hostname !== 'string' || hostname === '' || hostname.toLowerCase() === 'localhost' || net.isIP(hostname) !== 0;
  const lookupRefusal = ([hostname]: unknown[]) => refuse('lookup', String(hostname), `DNS lookup of ${String(hostname)}`, { syscall: 'getaddrinfo', hostname });
  const mayLookUpService = ([address]: unknown[]) => typeof address !== 'string' || isLoopback(address);
  const serviceRefusal = ([address, port]: unknown[]) => refuse('lookup', String(address), `reverse lookup of ${String(address)}`, { syscall: 'getnameinfo', host: address, port });
  const queryRefusal = (method: string) => ([name]: unknown[]) => refuse('query', `${method}(${String(name)})`, `DNS query ${method}(${String(name)})`, { syscall: method, hostname: name });
  const never = () => false;

  for (const [owner, style] of [
    [dns, 'callback'],
    [dns.promises, 'promise'],
  ] as const) {
    guardFunction(owner, 'lookup', style, mayLookUp, lookupRefusal);
    guardFunction(owner, 'lookupService', style, mayLookUpService, serviceRefusal);
    // The module's resolve* functions are bound to a default Resolver when dns loads: guard both.
    for (const holder of [owner, owner.Resolver.prototype]) {
      for (const method of Object.getOwnPropertyNames(holder)) {
        if (method.startsWith('resolve') || method === 'reverse') guardFunction(holder, method, style, never, queryRefusal(method));
      }
    }
  }
}

function install(): void {
  const current = state();
  if (current.installed) return;
  current.installed = true;
  guardConnect();
  guardDns();
  // Named imports of node:dns and node:dns/promises see the guarded functions too.
  syncBuiltinESMExports();
  process.env['NODE_OPTIONS'] = withPreload(process.env['NODE_OPTIONS']);
}

install();
