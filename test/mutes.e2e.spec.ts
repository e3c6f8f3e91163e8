import { randomUUID } from 'node:crypto';
import { Sql } from '../src/db/sql.js';
import { Transactions } from '../src/db/transactions.js';
import { ReaderData } from '../src/readers/reader-data.js';
import { MutesService, MUTES_MAX } from '../src/readers/mutes/mutes.service.js';
import { startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { DATABASES } from './support/databases.js';
import { reader, type Reader } from './support/readers.js';

const RATE_LIMIT = 120;

describe.each(DATABASES)('mutes (GET/POST/DELETE /api/me/muted) on %s', (kind) => {
  let t: TestApp;
  let alice: Reader;
  let bob: Reader;
  let carol: Reader;
  let sql: Sql;

  beforeAll(async () => {
    t = await startTestApp(kind, { MUTE_RATE_LIMIT: String(RATE_LIMIT) });
    [alice, bob, carol] = await Promise.all([reader(t, 'Alice Mute'), reader(t, 'Bob Muted'), reader(t, 'Carol Muted')]);
    sql = t.app.get(Sql);
  }, 60_000);
  afterAll(() => t.close());

  const mute = (r: Reader, id: string) => r.api.post(`/api/me/muted/${id}`);
  const unmute = (r: Reader, id: string) => r.api.request('DELETE', `/api/me/muted/${id}`);
  const listOf = async (r: Reader) => {
    const response = await r.api.get('/api/me/muted');
    expect(response.status).toBe(200);
    return response.json() as Promise<{ items: Array<{ id: string; displayName: string; avatarUrl: string | null; mutedAt: string }>; max: number }>;
  };
  const errorOf = async (response: Response) => ({ status: response.status, body: await response.json() });
  const rows = async (muterId: string) =>
    (await sql.rows<{ muted_id: string }>('SELECT muted_id FROM reader_mutes WHERE muter_id = $1 ORDER BY muted_id', [muterId])).map((r) => r.muted_id);

  test('mute, list with name and picture (no-store), mute again (no-op), unmute, unmute again (no-op)', async () => {
    const first = await mute(alice, bob.id);
    expect(first.status).toBe(200);
    const muted = await first.json();
    expect(muted).toEqual({ id: bob.id, displayName: 'Bob Muted', avatarUrl: expect.any(String), mutedAt: expect.any(String) });

    const again = await mute(alice, bob.id);
    expect(again.status).toBe(200);
    expect((await again.json()).mutedAt).toBe(muted.mutedAt);
    expect(await rows(alice.id)).toEqual([bob.id]);

    const response = await alice.api.get('/api/me/muted');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ items: [muted], max: MUTES_MAX });
    // Muting is one-way: Bob's own list is empty.
    expect((await listOf(bob)).items).toEqual([]);

    expect((await unmute(alice, bob.id)).status).toBe(204);
    expect((await unmute(alice, bob.id)).status).toBe(204);
    expect(await rows(alice.id)).toEqual([]);
    expect((await listOf(alice)).items).toEqual([]);
  });

  test('the list is newest first', async () => {
    expect((await mute(carol, alice.id)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 20));
    expect((await mute(carol, bob.id)).status).toBe(200);
    expect((await listOf(carol)).items.map((m) => m.id)).toEqual([bob.id, alice.id]);
    await unmute(carol, alice.id);
    await unmute(carol, bob.id);
  });

  test('errors: UNAUTHENTICATED, VALIDATION_FAILED, NOT_FOUND, CANNOT_MUTE_SELF', async () => {
    const stranger = new Browser(t.url);
    for (const response of [await stranger.get('/api/me/muted'), await stranger.post(`/api/me/muted/${bob.id}`), await stranger.request('DELETE', `/api/me/muted/${bob.id}`)]) {
      expect(await errorOf(response)).toMatchObject({ status: 401, body: { statusCode: 401, error: 'UNAUTHENTICATED' } });
    }
    for (const bad of ['not-an-id', bob.id.toUpperCase(), `${bob.id}0`]) {
      expect(await errorOf(await mute(alice, encodeURIComponent(bad)))).toMatchObject({ status: 400, body: { error: 'VALIDATION_FAILED', field: 'commenterId' } });
      expect(await errorOf(await unmute(alice, encodeURIComponent(bad)))).toMatchObject({ status: 400, body: { error: 'VALIDATION_FAILED', field: 'commenterId' } });
    }
    const nobody = randomUUID();
    expect(await errorOf(await mute(alice, nobody))).toMatchObject({ status: 404, body: { statusCode: 404, error: 'NOT_FOUND' } });
    expect(await errorOf(await unmute(alice, nobody))).toMatchObject({ status: 404, body: { statusCode: 404, error: 'NOT_FOUND' } });
    expect(await errorOf(await mute(alice, alice.id))).toMatchObject({ status: 409, body: { statusCode: 409, error: 'CANNOT_MUTE_SELF' } });
    expect(await rows(alice.id)).toEqual([]);
  });

  test('100 parallel mutes of the same reader: every answer 200, the same, and one row', async () => {
    const dave = await reader(t, 'Dave Parallel');
    const answers = await Promise.all(Array.from({ length: 100 }, () => mute(dave, bob.id)));
    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(200));
    const bodies = await Promise.all(answers.map((a) => a.json()));
    expect(new Set(bodies.map((b) => b.mutedAt)).size).toBe(1);
    expect(await rows(dave.id)).toEqual([bob.id]);
  });

  test(`at most ${MUTES_MAX} muted: one more is MUTE_LIMIT_REACHED (parallel requests too), a repeat still answers, an unmute makes room`, async () => {
    const erin = await reader(t, 'Erin Cap');
    // Fill all but one place directly (ids of readers who no longer matter: the cap counts rows).
    const now = sql.timeParam(new Date(Date.now() - 60_000));
    for (let i = 0; i < MUTES_MAX - 1; i += 100) {
      const ids = Array.from({ length: Math.min(100, MUTES_MAX - 1 - i) }, () => randomUUID());
      await sql.run(
        `INSERT INTO reader_mutes (muter_id, muted_id, created_at) VALUES ${ids.map((_, j) => `($1, $${j + 3}, $2)`).join(', ')}`,
        [erin.id, now, ...ids],
      );
    }
    // Two readers asked for the last place at once: one gets it.
    const raced = await Promise.all([mute(erin, bob.id), mute(erin, carol.id)]);
    expect(raced.map((r) => r.status).sort()).toEqual([200, 409]);
    const [winner, loser] = raced[0]!.status === 200 ? [bob, carol] : [carol, bob];
    expect(await errorOf(raced.find((r) => r.status === 409)!)).toMatchObject({ status: 409, body: { error: 'MUTE_LIMIT_REACHED', limit: MUTES_MAX } });
    expect((await rows(erin.id)).length).toBe(MUTES_MAX);
    expect((await mute(erin, winner.id)).status).toBe(200); // already muted: still a no-op, not a refusal
    expect(await errorOf(await mute(erin, loser.id))).toMatchObject({ status: 409, body: { error: 'MUTE_LIMIT_REACHED' } });
    expect((await unmute(erin, winner.id)).status).toBe(204);
    expect((await mute(erin, loser.id)).status).toBe(200);
    expect((await rows(erin.id)).length).toBe(MUTES_MAX);
  }, 30_000);

  test(`MUTE_RATE_LIMIT: one write past ${RATE_LIMIT} in a minute is RATE_LIMITED with Retry-After, reads still answer`, async () => {
    const frank = await reader(t, 'Frank Fast');
    for (let i = 0; i < RATE_LIMIT; i += 20) {
      const answers = await Promise.all(Array.from({ length: 20 }, () => unmute(frank, bob.id)));
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(204));
    }
    const refused = await mute(frank, bob.id);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await errorOf(refused)).toMatchObject({ status: 429, body: { error: 'RATE_LIMITED', retryAfter: expect.any(Number) } });
    expect(await rows(frank.id)).toEqual([]);
    expect((await frank.api.get('/api/me/muted')).status).toBe(200);
  });

  test('hasMuted, and the "mutes" reader-data section: export lists the reader\'s own; erase removes theirs and others\' of them', async () => {
    const [gina, hal] = await Promise.all([reader(t, 'Gina Export'), reader(t, 'Hal Erased')]);
    const mutes = t.app.get(MutesService);
    expect((await mute(gina, hal.id)).status).toBe(200);
    expect((await mute(hal, gina.id)).status).toBe(200);
    expect((await mute(hal, bob.id)).status).toBe(200);
    expect(await mutes.hasMuted(gina.id, hal.id)).toBe(true);
    expect(await mutes.hasMuted(hal.id, alice.id)).toBe(false);

    const section = t.app.get(ReaderData).sections().find((s) => s.name === 'mutes')!;
    expect(section).toBeDefined();
    const exported = (await section.export(hal.id)) as Array<{ id: string }>;
    expect(exported.map((m) => m.id).sort()).toEqual([gina.id, bob.id].sort());

    const transactions = t.app.get(Transactions);
    await transactions.run((manager) => section.erase(hal.id, manager));
    await transactions.run((manager) => section.erase(hal.id, manager)); // a retried deletion job runs it again
    expect(await rows(hal.id)).toEqual([]);
    expect(await rows(gina.id)).toEqual([]);
    expect(await mutes.hasMuted(gina.id, hal.id)).toBe(false);
  });
});
