import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Comment } from '../src/comments/comment.entity.js';
import { RuleSetVersion } from '../src/moderation/rule-sets/rule-set-version.entity.js';
import { RulesService } from '../src/moderation/rule-sets/rules.service.js';
import { startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { DATABASES } from './support/databases.js';
import { moderator, type SignedInModerator } from './support/moderators.js';
import { decided, post, reader, waitFor, type Reader } from './support/readers.js';

const SEED = { description: 'seed from the file', bannedWords: ['fuck'] };

describe.each(DATABASES)('managing rules over the API, on %s', (kind) => {
  let t: TestApp;
  let admin: SignedInModerator;
  let mod: SignedInModerator;
  let commenter: Reader;
  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rules-')), 'rules.json');
    writeFileSync(file, JSON.stringify(SEED));
    t = await startTestApp(kind, { RULES_FILE: file });
    [admin, mod, commenter] = await Promise.all([moderator(t, 'admin'), moderator(t), reader(t)]);
  });
  afterAll(() => t.close());

  /** Saves as the admin and returns the new version. */
  const save = async (ruleSet: unknown, expectedVersion?: number) => {
    const response = await admin.api.put('/api/moderation/rules', { ruleSet, expectedVersion });
    expect(response.status).toBe(200);
    return (await response.json()) as { version: number; changes: unknown[] };
  };
  const say = async (body: string) => {
    const { id } = await (await post(commenter, `${kind}-rules-${Date.now()}`, { body })).json();
    return decided(commenter, id);
  };

  test('RULES_FILE seeds version 1; every moderator reads the active version', async () => {
    const response = await mod.api.get('/api/moderation/rules');
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ version: 1, source: 'file', createdBy: null, ruleSet: { description: 'seed from the file', bannedWords: ['fuck'] } });
    expect(body.ruleSet.rules.link).toMatchObject({ enabled: true, verdict: 'review' }); // stored with every default spelled out
    expect(Date.parse(body.createdAt)).not.toBeNaN();
  });

  test('who may read and who may write', async () => {
    const anonymous = new Browser(t.url);
    expect((await anonymous.get('/api/moderation/rules')).status).toBe(401);
    const asReader = await commenter.api.get('/api/moderation/rules');
    expect(asReader.status).toBe(403);
    expect((await asReader.json()).error).toBe('FORBIDDEN');
    const ruleSet = { bannedWords: ['fuck'] };
    expect((await anonymous.put('/api/moderation/rules', { ruleSet })).status).toBe(401);
    expect((await commenter.api.put('/api/moderation/rules', { ruleSet })).status).toBe(403);
    const asModerator = await mod.api.put('/api/moderation/rules', { ruleSet });
    expect(asModerator.status).toBe(403);
    expect(await asModerator.json()).toMatchObject({ error: 'FORBIDDEN', message: 'Only admins may do this' });
    expect((await mod.api.post('/api/moderation/rules/dry-run', { ruleSet })).status).toBe(403);
    expect((await mod.api.get('/api/moderation/rules/versions')).status).toBe(200);
    // the dashboard cookie needs its CSRF token on writes
    expect((await admin.dashboard.put('/api/moderation/rules', { ruleSet })).status).toBe(403);
  });

  test('validation errors name the field and say what is wrong; nothing is saved', async () => {
    const before = (await (await admin.api.get('/api/moderation/rules')).json()).version;
    const cases: Array<[unknown, string, RegExp]> = [
      [{ ruleSet: { rules: { link: { denyDomains: ['casino.xyz', 'not a domain'] } } } }, 'rules.link.denyDomains.1', /a domain such as example\.com/],
      [{ ruleSet: { rules: { shouting: { maxCapitalShare: 2 } } } }, 'rules.shouting.maxCapitalShare', /<=1/],
      [{ ruleSet: { bannedWords: ['ok', ''] } }, 'bannedWords.1', /.+/],
      [{ ruleSet: { rules: { link: { verdict: 'delete' } } } }, 'rules.link.verdict', /publish|review|reject/],
      [{ ruleSet: { rules: { nonsense: {} } } }, 'rules.nonsense', /unknown field/],
      [{ ruleSet: { bannedword: ['x'] } }, 'bannedword', /unknown field/],
      [{ ruleSet: { rules: { link: { denyDomain: [] } } } }, 'rules.link.denyDomain', /unknown field/],
      [{ ruleSet: [] }, 'ruleSet', /JSON object/],
      [{}, 'ruleSet', /required/],
      [{ ruleSet: {}, expectedVersion: 'one' }, 'expectedVersion', /version number/],
      [{ ruleSet: {}, extra: 1 }, 'extra', /Unknown field/],
    ];
    for (const [body, field, message] of cases) {
      const response = await admin.api.put('/api/moderation/rules', body);
      expect(response.status).toBe(400);
      const error = await response.json();
      expect(error).toMatchObject({ statusCode: 400, error: 'VALIDATION_FAILED', field });
      expect(error.message).toMatch(message);
      if (!['ruleSet', 'expectedVersion', 'extra'].includes(field)) expect(error.message.startsWith(`${field}: `)).toBe(true);
    }
    expect((await (await admin.api.get('/api/moderation/rules')).json()).version).toBe(before);
  });

  test('a save is a new version, in the audit log with its diff, and judges the next comment at once', async () => {
    expect(await say('what a zorblax move')).toMatchObject({ status: 'published' });
    const current = (await (await admin.api.get('/api/moderation/rules')).json()).version;
    const saved = await save({ description: 'seed from the file', bannedWords: ['fuck', 'zorblax'], rules: { link: { verdict: 'reject' } } }, current);
    expect(saved.version).toBe(current + 1);
    expect(saved.changes).toEqual(
      expect.arrayContaining([
        { path: 'bannedWords', added: ['zorblax'], removed: [] },
        { path: 'rules.link.verdict', before: 'review', after: 'reject' },
      ]),
    );
    const active = await (await mod.api.get('/api/moderation/rules')).json();
    expect(active).toMatchObject({ version: saved.version, source: 'api', createdBy: { id: admin.id, email: admin.email } });
    expect(active.ruleSet.bannedWords).toEqual(['fuck', 'zorblax']);

    const log = await (await mod.api.get('/api/moderation/log?limit=5')).json();
    const entry = log.items.find((e: { action: string }) => e.action === 'rules.update');
    expect(entry).toMatchObject({ moderator: { id: admin.id, email: admin.email }, detail: { fromVersion: current, version: saved.version } });
    expect(entry.detail.changes).toEqual(saved.changes);

    expect(await say('what a zorblax move, again')).toMatchObject({ status: 'rejected', reason: 'banned_word' });
  });

  test('expectedVersion: a save on top of someone else’s is a 409 CONFLICT', async () => {
    const { version } = await (await admin.api.get('/api/moderation/rules')).json();
    await save({ bannedWords: ['fuck', 'zorblax', 'first'] }, version);
    const late = await admin.api.put('/api/moderation/rules', { ruleSet: { bannedWords: ['second'] }, expectedVersion: version });
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({ error: 'CONFLICT', current: version + 1 });
    expect((await (await admin.api.get('/api/moderation/rules')).json()).ruleSet.bannedWords).toEqual(['fuck', 'zorblax', 'first']);
  });

  test('saves at the same moment: each gets its own version; on the same expectedVersion one wins', async () => {
    const { version } = await (await admin.api.get('/api/moderation/rules')).json();
    const responses = await Promise.all([1, 2, 3, 4].map((n) => admin.api.put('/api/moderation/rules', { ruleSet: { bannedWords: ['fuck', `race${n}`] } })));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const versions = (await Promise.all(responses.map((r) => r.json()))).map((b) => b.version).sort((a, b) => a - b);
    expect(versions).toEqual([version + 1, version + 2, version + 3, version + 4]);
    const both = await Promise.all([1, 2].map((n) => admin.api.put('/api/moderation/rules', { ruleSet: { bannedWords: ['fuck', 'zorblax', `same${n}`] }, expectedVersion: version + 4 })));
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await (await admin.api.get('/api/moderation/rules')).json()).version).toBe(version + 5);
  });

  test('the versions, newest first, and any one of them', async () => {
    const { items, nextCursor } = await (await mod.api.get('/api/moderation/rules/versions?limit=2')).json();
    expect(items).toHaveLength(2);
    expect(items[0].active).toBe(true);
    expect(items[1].active).toBe(false);
    expect(items[0].version).toBe(items[1].version + 1);
    const rest = await (await mod.api.get(`/api/moderation/rules/versions?cursor=${nextCursor}`)).json();
    expect(rest.items.at(-1)).toMatchObject({ version: 1, source: 'file', createdBy: null });
    const first = await (await mod.api.get('/api/moderation/rules/versions/1')).json();
    expect(first.ruleSet.bannedWords).toEqual(['fuck']);
    expect((await mod.api.get('/api/moderation/rules/versions/999')).status).toBe(404);
    expect((await mod.api.get('/api/moderation/rules/versions/abc')).status).toBe(400);
  });

  test('going back to an old set is a save of it; a large word list fits', async () => {
    const first = await (await mod.api.get('/api/moderation/rules/versions/1')).json();
    const active = await (await mod.api.get('/api/moderation/rules')).json();
    const big = Array.from({ length: 20_000 }, (_, i) => `word${i}x`);
    const saved = await save({ ...active.ruleSet, bannedWords: [...active.ruleSet.bannedWords, ...big] });
    expect(saved.changes).toEqual([{ path: 'bannedWords', added: big, removed: [] }]);
    const back = await save(first.ruleSet);
    expect(back.version).toBe(saved.version + 1);
    expect(await say('zorblax is fine again')).toMatchObject({ status: 'published' });
  });

  test('a stored version that no longer loads leaves the one in use working', async () => {
    const rules = t.app.get(RulesService);
    const inUse = rules.currentVersion();
    const dataSource = t.app.get(DataSource);
    // as if saved under an older schema, or edited by hand
    await dataSource.getRepository(RuleSetVersion).insert({ version: inUse + 1, ruleSet: '{"bannedWords": 7}', createdAt: new Date(), createdBy: null, source: 'api' });
    await rules.reload();
    expect(rules.currentVersion()).toBe(inUse);
    expect(await say('fuck this')).toMatchObject({ status: 'rejected', reason: 'banned_word' });
    // the API still shows what is stored, and the next save repairs it
    expect((await (await mod.api.get('/api/moderation/rules')).json()).version).toBe(inUse + 1);
    const repaired = await save({ bannedWords: ['fuck', 'zorblax'] });
    await waitFor(async () => rules.currentVersion() === repaired.version, 5000, 'the repaired version to load');
    expect(await say('zorblax!')).toMatchObject({ status: 'rejected' });
    const stored = await dataSource.getRepository(Comment).count();
    expect(stored).toBeGreaterThan(0);
  });
});

describe.each(DATABASES)('seeding the first version, on %s', (kind) => {
  test('processes starting at once on an empty table store one version 1; a stored version wins over the file', async () => {
    const a = await startTestApp(kind);
    const file = join(mkdtempSync(join(tmpdir(), 'rules-')), 'rules.json');
    writeFileSync(file, JSON.stringify({ bannedWords: ['fromthefile'] }));
    const b = await startTestApp(kind, { RULES_FILE: file }, a.database);
    try {
      const repo = a.app.get(DataSource).getRepository(RuleSetVersion);
      // b started on a seeded table: the file is not used
      expect(b.app.get(RulesService).current().ruleSet.bannedWords).not.toContain('fromthefile');
      await repo.clear();
      await Promise.all([a, b, a, b].map((t) => t.app.get(RulesService).seed()));
      const rows = await repo.find();
      expect(rows.map((r) => [r.version, r.source, r.createdBy])).toEqual([[1, 'file', null]]);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
