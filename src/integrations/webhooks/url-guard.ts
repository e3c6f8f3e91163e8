import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';

/*
 * Webhooks must not become a way to reach the service's own network (SSRF): no private, loopback,
 * link-local, CGNAT, multicast or reserved address, unless WEBHOOK_ALLOW_PRIVATE=true. Checked at
 * registration on a literal IP (a clear 400), and at delivery on every address DNS gives for the
 * host, right before connecting (the lookup the socket itself uses, so a DNS answer that changes
 * between a check and the connection cannot slip through). Redirects are not followed at all.
 */

/** [network, prefix length] in IPv4. */
const V4_BLOCKED: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this" network, 0.0.0.0
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

function v4ToNumber(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function blockedV4(ip: string): boolean {
  const n = v4ToNumber(ip);
  return V4_BLOCKED.some(([network, bits]) => {
    const size = 2 ** (32 - bits);
    const start = v4ToNumber(network);
    return n >= start && n < start + size;
  });
}

/** An IPv6 address as 8 numbers (handles `::` and a dotted IPv4 tail). */
function v6Groups(ip: string): number[] | null {
  let text = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = v4ToNumber(dotted[1]!);
    text = text.slice(0, -dotted[1]!.length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const start = parse(head);
  const end = tail === undefined ? [] : parse(tail);
  const groups = tail === undefined ? start : [...start, ...Array(8 - start.length - end.length).fill(0), ...end];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

function blockedV6(ip: string): boolean {
  const g = v6Groups(ip);
  if (!g) return true;
  const [a, b] = g as [number, number];
  const v4 = () => `${g[6]! >> 8}.${g[6]! & 0xff}.${g[7]! >> 8}.${g[7]! & 0xff}`;
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) {
    // ::ffff:a.b.c.d (IPv4-mapped), ::a.b.c.d (IPv4-compatible), ::1 and ::
    return g[5] === 0 && g[6] === 0 && g[7]! <= 1 ? true : blockedV4(v4());
  }
  if (a === 0x64 && b === 0xff9b) return blockedV4(v4()); // NAT64 of an IPv4 address
  if ((a & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((a & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((a & 0xffc0) === 0xfec0) return true; // fec0::/10 old site-local
  if ((a & 0xff00) === 0xff00) return true; // multicast
  if (a === 0x2001 && b === 0x0db8) return true; // documentation
  if (a === 0x0100 && g[1] === 0 && g[2] === 0 && g[3] === 0) return true; // discard-only
  return false;
}

/** True for an address no webhook may reach unless WEBHOOK_ALLOW_PRIVATE=true. */
export function isPrivateAddress(ip: string): boolean {
  const family = isIP(ip.replace(/^\[|\]$/g, ''));
  if (family === 4) return blockedV4(ip);
  if (family === 6) return blockedV6(ip);
  return true;
}

export const MAX_URL_LENGTH = 2048;

/** Why a URL cannot be registered, or null. `allowPrivate`: a literal private address is fine. */
export function urlProblem(value: string, allowPrivate: boolean): { code: 'VALIDATION_FAILED' | 'WEBHOOK_URL_PRIVATE'; message: string } | null {
  if (value.length > MAX_URL_LENGTH) return { code: 'VALIDATION_FAILED', message: `url: at most ${MAX_URL_LENGTH} characters` };
  if (!URL.canParse(value)) return { code: 'VALIDATION_FAILED', message: 'url: an absolute http(s) URL' };
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { code: 'VALIDATION_FAILED', message: 'url: only http and https URLs' };
  if (url.username || url.password) return { code: 'VALIDATION_FAILED', message: 'url: no user name or password in the URL (the signature authenticates the service)' };
  if (!url.hostname) return { code: 'VALIDATION_FAILED', message: 'url: a host is required' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && isIP(host) !== 0 && isPrivateAddress(host)) {
    return { code: 'WEBHOOK_URL_PRIVATE', message: `url: ${host} is a private, loopback or link-local address; webhooks may not reach it (WEBHOOK_ALLOW_PRIVATE=true allows it)` };
  }
  return null;
}

/** The error a refused address gives (the delivery log shows its message). */
export class PrivateAddressError extends Error {
  readonly code = 'WEBHOOK_ADDRESS_REFUSED';
  constructor(host: string, address: string) {
    super(`${host} resolves to ${address}, a private, loopback or link-local address: not connected`);
  }
}

/**
 * A socket lookup that refuses private addresses: every address the name resolves to must be
 * public (one private answer is enough to refuse: DNS rebinding would otherwise pick it later).
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const refused = allowPrivate ? undefined : addresses.find((a) => isPrivateAddress(a.address));
      if (refused) return callback(new PrivateAddressError(hostname, refused.address), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };
}
