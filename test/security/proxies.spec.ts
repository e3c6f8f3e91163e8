import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { addressBucket, fastifyTrustProxy } from '../../src/common/client-address.js';
import { loadConfig } from '../../src/config.js';

const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'comments-proxy-')), ...env });

/** The client address the service would see for a request from the socket 127.0.0.1 with this X-Forwarded-For. */
async function clientAddress(trustProxy: string | undefined, forwardedFor: string): Promise<string> {
  const config = load(trustProxy === undefined ? {} : { TRUST_PROXY: trustProxy });
  const app = Fastify({ trustProxy: fastifyTrustProxy(config.trustProxy) });
  app.get('/', (request) => ({ ip: request.ip, bucket: addressBucket(request.ip) }));
  try {
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const response = await fetch(url, { headers: { 'x-forwarded-for': forwardedFor } });
    return ((await response.json()) as { ip: string }).ip;
  } finally {
    await app.close();
  }
}

describe('TRUST_PROXY: a client cannot choose its own address', () => {
  test('unset: X-Forwarded-For is ignored', async () => {
    expect(await clientAddress(undefined, '198.51.100.1')).toBe('127.0.0.1');
  });

  test('true means one proxy in front: only the address that proxy appended counts, not what the client wrote before it', async () => {
    expect(await clientAddress('true', '198.51.100.1, 203.0.113.9')).toBe('203.0.113.9');
    expect(await clientAddress('true', '10.9.9.9, 198.51.100.2, 203.0.113.9')).toBe('203.0.113.9');
  });

  test('a hop count takes that many proxies from the right', async () => {
    expect(await clientAddress('2', '198.51.100.1, 203.0.113.9, 10.0.0.2')).toBe('203.0.113.9');
  });

  test('a list of proxy addresses or CIDRs: hops are trusted only from those addresses', async () => {
    expect(await clientAddress('127.0.0.1', '198.51.100.1, 203.0.113.9')).toBe('203.0.113.9');
    expect(await clientAddress('127.0.0.0/8,10.0.0.0/8', '198.51.100.1, 203.0.113.9, 10.1.2.3')).toBe('203.0.113.9');
    // The socket is not a listed proxy: its own address is the client's, whatever the header says.
    expect(await clientAddress('10.0.0.0/8', '198.51.100.1')).toBe('127.0.0.1');
    expect(await clientAddress('loopback', '203.0.113.9')).toBe('203.0.113.9');
  });

  test.each(['maybe', '10.0.0.0/33', '300.1.1.1', '10.0.0.1/8/2', '99'])('TRUST_PROXY=%s is refused at start with one line', (value) => {
    expect(() => load({ TRUST_PROXY: value })).toThrow(/^Invalid configuration: TRUST_PROXY must be false, a number of proxy hops/);
  });

  test('false, 0 and no turn it off', () => {
    for (const value of ['false', '0', 'no', '']) expect(load({ TRUST_PROXY: value }).trustProxy).toBe(false);
  });
});
