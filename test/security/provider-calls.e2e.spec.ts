import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { startTestApp, type TestApp } from '../support/app.js';
import { Browser } from '../support/browser.js';
import { facebookAt, twitterAt } from '../support/sign-in.js';

type Behaviour = 'silent' | 'endless';

/**
 * Stands in for Twitter's and Facebook's endpoints misbehaving: never answering, or answering
 * without end (bounded here: 4 MB at most). Counts the connections still open.
 */
async function badProvider(): Promise<{ base: string; behave(b: Behaviour): void; open(): number; close(): Promise<void> }> {
  let behaviour: Behaviour = 'silent';
  const sockets = new Set<Socket>();
  const server: Server = createServer((_request, response) => {
    if (behaviour === 'silent') return;
    response.writeHead(200, { 'content-type': 'text/plain' });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let sent = 0;
    const more = () => {
      while (sent < 4 * 1024 * 1024 && !response.destroyed) {
        sent += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', more);
      }
      response.end();
    };
    more();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    behave: (b) => (behaviour = b),
    open: () => sockets.size,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function eventually(check: () => boolean, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

describe('calls to the sign-in providers are bounded in time and size (PROVIDER_TIMEOUT)', () => {
  let provider: Awaited<ReturnType<typeof badProvider>>;
  let t: TestApp;

  beforeAll(async () => {
    provider = await badProvider();
    t = await startTestApp('sqlite', {
      SIGNIN_EMULATOR: 'off',
      PROVIDER_TIMEOUT: '1000',
      ...twitterAt(provider.base),
      ...facebookAt(provider.base),
    });
  });
  afterAll(async () => {
    await t.close();
    await provider.close();
  });

  /** Starts Facebook sign-in and comes back with a code, as if the reader had consented. */
  async function facebookCallback(b: Browser): Promise<Response> {
    const start = await b.get('/auth/facebook');
    const state = new URL(start.headers.get('location')!).searchParams.get('state');
    return b.get(`/auth/facebook/callback?code=some-code&state=${encodeURIComponent(state ?? '')}`);
  }

  test.each<[Behaviour, string]>([
    ['silent', 'never answers'],
    ['endless', 'answers without end'],
  ])('Twitter %s (%s): the reader gets the "reported a problem" page within the limit, and the call is ended', async (behaviour) => {
    provider.behave(behaviour);
    const started = Date.now();
    const response = await new Browser(t.url).get('/auth/twitter?returnTo=/articles/9');
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/reported a problem/);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(await eventually(() => provider.open() === 0)).toBe(true);
  });

  test.each<Behaviour>(['silent', 'endless'])('Facebook %s on the token exchange: a failure page within the limit, the call ended', async (behaviour) => {
    provider.behave(behaviour);
    const started = Date.now();
    const response = await facebookCallback(new Browser(t.url));
    expect(response.status).toBe(400);
    // A failed token exchange reads as "took too long or already completed, start again".
    expect(await response.text()).toMatch(/role="alert">The sign-in took too long/);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(await eventually(() => provider.open() === 0)).toBe(true);
  });
});
