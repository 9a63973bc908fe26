import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import type { UrlMode } from '../domain/webhook-url.ts';

/**
 * Which addresses an outgoing webhook call may connect to (SSRF guard). In Azure only public
 * addresses; on the local host also loopback (receivers on this machine). Private (RFC 1918,
 * CGNAT, ULA), link-local (169.254/16 — the instance metadata endpoint — and fe80::/10),
 * unspecified, multicast and reserved ranges are refused everywhere. IPv4-mapped IPv6 addresses
 * are judged by their IPv4 address.
 */
export type AddressClass = 'public' | 'loopback' | 'private' | 'link_local' | 'reserved';

function list(entries: readonly (readonly [string, number, 'ipv4' | 'ipv6'])[]): BlockList {
  const blocks = new BlockList();
  for (const [network, prefix, family] of entries) blocks.addSubnet(network, prefix, family);
  return blocks;
}

const loopback = list([['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']]);
const linkLocal = list([['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']]);
const privateRanges = list([
  ['10.0.0.0', 8, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['fc00::', 7, 'ipv6'],
]);
const reserved = list([
  ['0.0.0.0', 8, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'],
  ['100::', 64, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  ['2002::', 16, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
]);

export function classifyAddress(address: string): AddressClass {
  const version = isIP(address);
  if (version === 0) return 'reserved';
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (loopback.check(address, family)) return 'loopback';
  if (linkLocal.check(address, family)) return 'link_local';
  if (privateRanges.check(address, family)) return 'private';
  if (reserved.check(address, family)) return 'reserved';
  return 'public';
}

export function addressAllowed(address: string, mode: UrlMode): boolean {
  const found = classifyAddress(address);
  return found === 'public' || (mode === 'local' && found === 'loopback');
}

/** The error a blocked connection fails with (`code: 'EBLOCKED'`); it names the address class, not the host. */
export class BlockedAddressError extends Error {
  readonly code = 'EBLOCKED';
  readonly addressClass: AddressClass;

  constructor(addressClass: AddressClass) {
    super(`the host resolves to a ${addressClass.replace('_', '-')} address, which webhooks may not call`);
    this.name = 'BlockedAddressError';
    this.addressClass = addressClass;
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for `http.request` that refuses a name resolving to any address the mode does not
 * allow, at connect time: checked where the socket really goes, so a name that changes its
 * answer after the URL was accepted (DNS rebinding) is still refused.
 */
export function guardedLookup(mode: UrlMode) {
  return (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback): void => {
    dnsLookup(hostname, { all: true, family: typeof options.family === 'number' ? options.family : 0 }, (error, addresses) => {
      if (error) return callback(error, []);
      const bad = addresses.find((entry) => !addressAllowed(entry.address, mode));
      if (bad) return callback(new BlockedAddressError(classifyAddress(bad.address)) as unknown as NodeJS.ErrnoException, []);
      if (options.all) return callback(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

/** Every address `hostname` resolves to (or the literal itself), each allowed for `mode`; otherwise why not. */
export async function checkHost(hostname: string, mode: UrlMode): Promise<{ readonly ok: true } | { readonly ok: false; readonly reason: string }> {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (isIP(host) !== 0) {
    return addressAllowed(host, mode) ? { ok: true } : { ok: false, reason: `the address is ${classifyAddress(host).replace('_', '-')}` };
  }
  const addresses = await new Promise<LookupAddress[] | NodeJS.ErrnoException>((resolve) => dnsLookup(host, { all: true }, (error, found) => resolve(error ?? found)));
  if (!Array.isArray(addresses)) return { ok: false, reason: `the host does not resolve (${addresses.code ?? 'lookup failed'})` };
  const bad = addresses.find((entry) => !addressAllowed(entry.address, mode));
  return bad === undefined ? { ok: true } : { ok: false, reason: `the host resolves to a ${classifyAddress(bad.address).replace('_', '-')} address` };
}
