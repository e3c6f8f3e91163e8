import { isIPv4, isIPv6 } from 'node:net';

/** An IPv6 address as its eight hextets (zone and IPv4 tail resolved), or null when it is not one. */
function hextets(ip: string): number[] | null {
  const address = ip.replace(/%.*$/, '');
  if (!isIPv6(address)) return null;
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -v4[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((h) => parseInt(h, 16));
}

/**
 * The key a client address is counted under in every per-address limit: an IPv4 address as it is,
 * an IPv6 address by its /64 (one subscriber or host is handed a whole /64 and can pick any address
 * in it), an IPv4-mapped IPv6 address as its IPv4 address.
 */
export function addressBucket(raw: string | undefined): string {
  if (!raw) return 'unknown';
  // Some proxies write an IPv6 client as "[2001:db8::4]" (as in a URL) in X-Forwarded-For.
  const ip = /^\[[^\]]*\]$/.test(raw) ? raw.slice(1, -1) : raw;
  if (isIPv4(ip)) return ip;
  const h = hextets(ip);
  if (!h) return ip.slice(0, 64);
  const mapped = h.slice(0, 5).every((x) => x === 0) && h[5] === 0xffff;
  if (mapped) return `${h[6]! >> 8}.${h[6]! & 255}.${h[7]! >> 8}.${h[7]! & 255}`;
  return `${h
    .slice(0, 4)
    .map((x) => x.toString(16))
    .join(':')}::/64`;
}

/**
 * TRUST_PROXY as Fastify takes it. A hop count becomes proxy-addr's "the nearest N hops" function:
 * Fastify itself now ignores a bare number (it cannot tell whether the nearest hop is a proxy), so
 * the count is honoured here as documented, and a list of proxy addresses stays the safe choice.
 */
export function fastifyTrustProxy(trust: false | number | string[]): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return trust;
}
