import { startTestApp, type TestApp } from './support/app.js';
import { DATABASES } from './support/databases.js';

describe.each(DATABASES)('service basics on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(() => t.close());

  test('liveness and readiness', async () => {
    expect(await (await fetch(`${t.url}/health/live`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
  });

  test('an unknown route: the one error shape', async () => {
    const response = await fetch(`${t.url}/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ statusCode: 404, error: 'NOT_FOUND', message: expect.any(String) });
  });

  test('a body over 16 KB is refused before parsing with 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await fetch(`${t.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'x'.repeat(17 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ statusCode: 413, error: 'PAYLOAD_TOO_LARGE', message: expect.any(String) });
  });

  test('malformed JSON: 400 INVALID_JSON, no stack trace', async () => {
    const response = await fetch(`${t.url}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"body":' });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body).toEqual({ statusCode: 400, error: 'INVALID_JSON', message: expect.any(String) });
    expect(JSON.stringify(body)).not.toMatch(/at .*\.js/);
  });

  test('a URL the router cannot read (broken percent-encoding, an overlong segment): 400 in the one error shape', async () => {
    for (const path of ['/api/articles/%E0%A4%A/comments', '/api/articles/%FF/comments', '/api/comments/%E0%A4%A', `/api/articles/${'a'.repeat(1001)}/comments`]) {
      const response = await fetch(`${t.url}${path}`, { headers: { 'x-request-id': 'bad-url-1' } });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ statusCode: 400, error: 'VALIDATION_FAILED', message: expect.any(String), field: 'path' });
      expect(response.headers.get('x-request-id')).toBe('bad-url-1');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const write = await fetch(`${t.url}/api/articles/%E0%A4%A/comments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"body":"hi"}' });
    expect(write.status).toBe(400);
    expect((await write.json()).error).toBe('VALIDATION_FAILED');
  });

  test('every response carries a request id, and a sane incoming one is kept', async () => {
    const response = await fetch(`${t.url}/health/live`, { headers: { 'x-request-id': 'edge-abc-123' } });
    expect(response.headers.get('x-request-id')).toBe('edge-abc-123');
    const generated = await fetch(`${t.url}/health/live`, { headers: { 'x-request-id': 'bad id with spaces and ${injection}' } });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('security headers on every response, errors included; no session cookie handed to anonymous readers', async () => {
    for (const path of ['/health/live', '/api/articles/any/comments', '/no-such-route']) {
      const response = await fetch(`${t.url}${path}`);
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('strict-transport-security')).toBeNull(); // HSTS only when PUBLIC_URL is https
      expect(response.headers.get('x-powered-by')).toBeNull();
      expect(response.headers.get('set-cookie')).toBeNull();
    }
  });

  test('the OpenAPI document describes the sign-in routes', async () => {
    const document = await (await fetch(`${t.url}/api/docs.json`)).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/auth/twitter', '/auth/twitter/callback', '/auth/facebook', '/auth/facebook/callback', '/auth/providers', '/auth/token', '/auth/logout', '/api/me', '/health/live', '/health/ready']),
    );
    expect((await fetch(`${t.url}/api/docs`)).status).toBe(200);
  });
});

describe('readiness names what is down', () => {
  test('Redis stopped: 503 NOT_READY naming redis; back up: ready again', async () => {
    const { PrivateRedis } = await import('./support/redis-server.js');
    const redis = await PrivateRedis.start();
    const t = await startTestApp('sqlite', { REDIS_URL: redis.url });
    try {
      await redis.down();
      const response = await fetch(`${t.url}/health/ready`);
      expect(response.status).toBe(503);
      const body = await response.json();
      expect(body).toMatchObject({ statusCode: 503, error: 'NOT_READY', checks: { database: 'up', redis: 'down' } });
      expect(body.message).toMatch(/redis/);
      expect((await fetch(`${t.url}/health/live`)).status).toBe(200);

      await redis.up();
      const deadline = Date.now() + 5000;
      let status = 0;
      while (Date.now() < deadline && status !== 200) {
        status = (await fetch(`${t.url}/health/ready`)).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toBe(200);
    } finally {
      await t.close();
      await redis.down();
    }
  });
});

describe('with Redis down, a reader with a session cookie', () => {
  test('still reads comments, and gets a clear error where a session is needed', async () => {
    const { PrivateRedis } = await import('./support/redis-server.js');
    const { Browser } = await import('./support/browser.js');
    const { signIn } = await import('./support/sign-in.js');
    const redis = await PrivateRedis.start();
    const t = await startTestApp('sqlite', { REDIS_URL: redis.url });
    try {
      const b = new Browser(t.url);
      await signIn(b, 'twitter');
      await redis.down();
      const list = await b.get('/api/articles/any/comments');
      expect(list.status).toBe(200);
      const me = await b.get('/api/me');
      expect(me.status).toBe(401);
      expect(await me.json()).toEqual({ statusCode: 401, error: 'UNAUTHENTICATED', message: expect.any(String) });
      const start = await b.get('/auth/twitter');
      expect(start.status).toBe(503);
      expect(await start.json()).toEqual({ statusCode: 503, error: 'SESSION_UNAVAILABLE', message: expect.any(String) });
    } finally {
      await t.close();
      await redis.down();
    }
  });
});

describe('request context in service logs (LOG_REQUEST_CONTEXT)', () => {
  test.each([
    ['true', 'edge-trace-7'],
    ['false', undefined],
  ])('LOG_REQUEST_CONTEXT=%s: a service logging during a request logs with its request id: %s', async (flag, expected) => {
    const { requestLogger } = await import('../src/logger.js');
    const { AuthService } = await import('../src/auth/auth.service.js');
    const t = await startTestApp('sqlite', { LOG_REQUEST_CONTEXT: flag });
    try {
      // What a service's log line would be bound to, seen from inside a service the request calls.
      const seen: unknown[] = [];
      const auth = t.app.get(AuthService);
      const original = auth.findById;
      Object.assign(auth, { findById: (id: string) => (seen.push(requestLogger.getStore()?.bindings().reqId), original(id)) });
      const { reader } = await import('./support/readers.js');
      const r = await reader(t);
      await fetch(`${t.url}/api/me`, { headers: { authorization: `Bearer ${r.token}`, 'x-request-id': 'edge-trace-7' } });
      expect(seen.at(-1)).toBe(expected);
    } finally {
      await t.close();
    }
  });
});
