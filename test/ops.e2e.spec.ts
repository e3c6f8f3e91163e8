import { Writable } from 'node:stream';
import { pino } from 'pino';
import { PinoNestLogger } from '../src/logger.js';
import { firstAdminNotice } from '../src/moderators/moderators.service.js';
import { startTestApp, type TestApp } from './support/app.js';
import { DATABASES } from './support/databases.js';

describe.each(DATABASES)('GET /health on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(() => t.close());

  test('answers as /health/ready does: status, body and no-store', async () => {
    const [health, ready] = await Promise.all([fetch(`${t.url}/health`), fetch(`${t.url}/health/ready`)]);
    expect(health.status).toBe(200);
    expect(health.status).toBe(ready.status);
    expect(await health.json()).toEqual(await ready.json());
    expect(health.headers.get('cache-control')).toBe('no-store');
    expect(health.headers.get('content-type')).toBe(ready.headers.get('content-type'));
  });

  test('HEAD /health: 200 without a body', async () => {
    const response = await fetch(`${t.url}/health`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });
});

describe('GET /health with Redis down', () => {
  test('503 NOT_READY naming redis, as /health/ready; HEAD says 503 too', async () => {
    const { PrivateRedis } = await import('./support/redis-server.js');
    const redis = await PrivateRedis.start();
    const t = await startTestApp('sqlite', { REDIS_URL: redis.url });
    try {
      await redis.down();
      const health = await fetch(`${t.url}/health`);
      expect(health.status).toBe(503);
      const body = await health.json();
      expect(body).toMatchObject({ statusCode: 503, error: 'NOT_READY', checks: { database: 'up', redis: 'down' } });
      expect(body).toEqual(await (await fetch(`${t.url}/health/ready`)).json());
      expect((await fetch(`${t.url}/health`, { method: 'HEAD' })).status).toBe(503);
    } finally {
      await t.close();
      await redis.down();
    }
  });
});

describe('GET /favicon.ico', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(() => t.close());

  test('a small icon, typed and cacheable', async () => {
    const response = await fetch(`${t.url}/favicon.ico`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/x-icon');
    expect(response.headers.get('cache-control')).toMatch(/^public, max-age=\d{4,}/);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.length).toBeLessThan(1024);
    expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 1, 0]); // ICO header, type 1 (icon)
    expect(bytes.readUInt16LE(4)).toBe(1); // one image…
    const offset = bytes.readUInt32LE(18);
    expect(bytes.subarray(offset, offset + 8).toString('latin1')).toBe('\x89PNG\r\n\x1a\n'); // …a PNG inside
    expect(bytes.readUInt32LE(14)).toBe(bytes.length - offset);
    expect((await fetch(`${t.url}/favicon.ico`, { method: 'HEAD' })).status).toBe(200);
  });

  test('stays out of the API document', async () => {
    const document = await (await fetch(`${t.url}/api/docs.json`)).json();
    expect(Object.keys(document.paths)).not.toContain('/favicon.ico');
    expect(Object.keys(document.paths)).toContain('/health');
  });
});

describe("Nest's start-up narration", () => {
  function capture(): { logger: PinoNestLogger; lines: Array<{ level: number; msg: string; context?: string }> } {
    const lines: Array<{ level: number; msg: string; context?: string }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    return { logger: new PinoNestLogger(pino({ level: 'debug' }, sink)), lines };
  }

  test('route, controller and module lines go to debug and are summed up in one line', () => {
    const { logger, lines } = capture();
    logger.log('Starting Nest application...', 'NestFactory');
    logger.log('AppModule dependencies initialized', 'InstanceLoader');
    logger.log('HealthController {/health}:', 'RoutesResolver');
    logger.log('Mapped {/health, GET} route', 'RouterExplorer');
    logger.log('Mapped {/health/ready, GET} route', 'RouterExplorer');
    logger.log('MetricsController {/metrics}:', 'RoutesResolver');
    logger.log('Mapped {/metrics, GET} route', 'RouterExplorer');
    logger.log('Nest application successfully started', 'NestApplication');
    logger.log('rule set loaded', 'RulesService');
    expect(lines.filter((l) => l.level === 20)).toHaveLength(8);
    expect(lines.filter((l) => l.level === 30)).toEqual([expect.objectContaining({ msg: 'rule set loaded', context: 'RulesService' })]);
    expect(logger.startupSummary()).toEqual([{ routes: 3, controllers: 2 }, 'mapped 3 routes in 2 controllers (LOG_LEVEL=debug lists them)']);
  });

  test('their warnings and errors keep their level', () => {
    const { logger, lines } = capture();
    logger.warn('Duplicate route', 'RouterExplorer');
    logger.error('Nest cannot resolve dependencies', undefined, 'InstanceLoader');
    expect(lines.map((l) => l.level)).toEqual([40, 50]);
  });
});

describe('the first admin notice', () => {
  test('a plain block with the email, the password and where to sign in', () => {
    const text = firstAdminNotice('admin@localhost', 'Sx7-generated-pw', 'http://localhost:3000/moderation');
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^={60,}$/);
    expect(lines.at(-1)).toBe(lines[0]);
    expect(text).toContain('No admin existed: created admin@localhost');
    expect(text).toMatch(/Password: Sx7-generated-pw\s+\(shown once/);
    expect(text).toContain('Sign in at http://localhost:3000/moderation');
    expect(text.endsWith('\n')).toBe(true);
  });
});
