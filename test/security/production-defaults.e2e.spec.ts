import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/app.js';

const TOKEN = randomBytes(24).toString('hex');
const mode = (path: string) => statSync(path).mode & 0o777;

describe('NODE_ENV=production', () => {
  let t: TestApp;
  let parent: string;
  let dataDir: string;

  beforeAll(async () => {
    parent = mkdtempSync(join(tmpdir(), 'comments-production-'));
    dataDir = join(parent, 'data');
    t = await startTestApp('sqlite', { NODE_ENV: 'production', AUTH_SECRET: randomBytes(48).toString('base64'), METRICS_TOKEN: TOKEN, DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await t.close();
    rmSync(parent, { recursive: true, force: true });
  });

  test('no API docs and no demo article: 404 in the usual error shape; the sample standards page stays', async () => {
    for (const path of ['/api/docs', '/api/docs.json', '/']) {
      const response = await fetch(`${t.url}${path}`);
      expect([path, response.status]).toEqual([path, 404]);
      expect(await response.json()).toEqual({ statusCode: 404, error: 'NOT_FOUND', message: expect.any(String) });
    }
    const standards = await fetch(`${t.url}/standards`);
    expect(standards.status).toBe(200);
    expect(await standards.text()).not.toContain('Back to the article');
  });

  test('the SQLite file and its directory are readable by the owner only', () => {
    expect(mode(dataDir)).toBe(0o700);
    const file = join(dataDir, 'comments.sqlite');
    expect(mode(file)).toBe(0o600);
    for (const extra of [`${file}-wal`, `${file}-shm`]) if (existsSync(extra)) expect([extra, mode(extra)]).toEqual([extra, 0o600]);
  });
});

describe('NODE_ENV=production with DEMO_PAGE=true and METRICS_PUBLIC=true', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { NODE_ENV: 'production', AUTH_SECRET: randomBytes(32).toString('hex'), METRICS_PUBLIC: 'true', DEMO_PAGE: 'true' });
  });
  afterAll(() => t.close());

  test('the demo article and open metrics are back; the API docs stay off (and the demo does not link to them)', async () => {
    expect((await fetch(`${t.url}/metrics`)).status).toBe(200);
    const demo = await fetch(`${t.url}/`);
    expect(demo.status).toBe(200);
    const page = await demo.text();
    expect(page).toContain('data-comments');
    expect(page).not.toContain('/api/docs');
    expect((await fetch(`${t.url}/api/docs.json`)).status).toBe(404);
  });
});
