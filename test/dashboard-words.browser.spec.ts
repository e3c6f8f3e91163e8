import type { Page } from 'playwright-core';
import { appInChromium } from './support/chromium.js';
import { moderator } from './support/moderators.js';
import { signInToDashboard, type DashboardOptions } from './support/dashboard.js';
import { decided, post, reader, waitFor, type Reader } from './support/readers.js';

const SLOW = 90_000;

// What is read on screen does not depend on the database (the e2e suites run both): one is enough here.
describe.each(['sqlite'] as const)('the dashboard in words, not codes, in Chromium on %s', (kind) => {
  const env = appInChromium(kind, SLOW);

  async function open(email: string, password: string, options: DashboardOptions = {}): Promise<{ page: Page; problems: string[] }> {
    const opened = await signInToDashboard(env.browser, env.app.url, email, password, options);
    await opened.page.locator('#live.on').waitFor({ timeout: 5000 });
    return opened;
  }

  async function submit(r: Reader, article: string, body: string): Promise<string> {
    const response = await post(r, article, { body });
    if (response.status !== 202) throw new Error(`submit failed: ${response.status} ${await response.text()}`);
    return (await response.json()).id;
  }

  const text = async (page: Page, selector: string) => ((await page.locator(selector).textContent()) ?? '').trim();
  const switchLanguage = (page: Page, to: '한국어' | 'English') => page.getByRole('button', { name: to === '한국어' ? 'Switch language to Korean' : '영어로 전환' }).click();

  test('rule ids and reasons read as words in English and Korean; the raw id stays in data-rule and title; an unknown id shows as itself', async () => {
    const article = `${kind}-words-${Date.now()}`;
    const [m, r] = await Promise.all([moderator(env.app), reader(env.app, 'Word Reader')]);
    const held = await submit(r, article, 'Honestly the minister is an idiot');
    const banned = await submit(r, article, 'what the fuck is this budget');
    expect(await decided(r, held)).toMatchObject({ status: 'in_review', reason: 'suspect_word' });
    expect(await decided(r, banned)).toMatchObject({ status: 'rejected', reason: 'banned_word' });

    const { page, problems } = await open(m.email, m.password);
    const heldCard = page.locator(`#c-${held}`);
    await heldCard.waitFor({ timeout: 5000 });
    expect(await text(page, `#c-${held} .findings`)).toBe('Rule matches: Suspect word “idiot”');
    expect(await heldCard.locator('.findings [data-rule=suspect_word]').getAttribute('title')).toBe('suspect_word');
    expect(await heldCard.locator('mark.finding').getAttribute('title')).toBe('rules: Suspect word');
    expect(await heldCard.locator('mark.finding').getAttribute('data-rule')).toBe('suspect_word');

    await page.locator('a[data-view=rejected]').click();
    const bannedCard = page.locator(`#c-${banned}`);
    await bannedCard.waitFor({ timeout: 5000 });
    expect(await text(page, `#c-${banned} .meta .status`)).toBe('Rejected · Banned word');
    expect(await bannedCard.locator('.status [data-reason=banned_word]').getAttribute('title')).toBe('banned_word');

    await switchLanguage(page, '한국어');
    await page.getByRole('heading', { name: '거부됨' }).waitFor();
    await bannedCard.waitFor({ timeout: 5000 });
    expect(await text(page, `#c-${banned} .meta .status`)).toBe('거부됨 · 금지어');
    expect(await text(page, `#c-${banned} .findings`)).toBe('규칙 일치: 금지어 “fuck”');
    await page.locator('a[data-view=review]').click();
    await heldCard.waitFor({ timeout: 5000 });
    expect(await text(page, `#c-${held} .findings`)).toBe('규칙 일치: 의심 단어 “idiot”');
    expect(await page.locator('#main').textContent()).not.toMatch(/suspect_word|banned_word/);

    // A newer server may name rules this page does not know yet (and an id may look like an Object key).
    await page.route('**/api/moderation/queue?*', async (route) => {
      const answer = await route.fetch();
      const body = await answer.json();
      for (const item of body.items) {
        item.findings = [{ rule: 'brand_new_rule', verdict: 'review', start: 0, end: 8 }];
        item.comment.reason = 'constructor';
      }
      await route.fulfill({ response: answer, json: body });
    });
    await page.locator('a[data-view=rejected]').click();
    await bannedCard.waitFor({ timeout: 5000 });
    expect(await text(page, `#c-${banned} .findings`)).toBe('규칙 일치: brand_new_rule “what the”');
    expect(await text(page, `#c-${banned} .meta .status`)).toBe('거부됨 · constructor');
    expect(problems).toEqual([]);
    await page.context().close();
  }, SLOW);

  test("a reported card shows each report's reason and the reader's note, as text", async () => {
    const article = `${kind}-words-reported-${Date.now()}`;
    const [m, author, first, second, third] = await Promise.all([moderator(env.app), reader(env.app, 'Calm Author'), reader(env.app), reader(env.app), reader(env.app)]);
    const id = await submit(author, article, 'The council should publish the full contract.');
    expect((await decided(author, id)).status).toBe('published');
    const note = '<b>He</b> wrote this about my family & me';
    expect((await first.api.post(`/api/comments/${id}/reports`, { reason: 'abuse', note })).status).toBe(201);
    expect((await second.api.post(`/api/comments/${id}/reports`, { reason: 'spam' })).status).toBe(201);
    // The third distinct reader (REPORT_THRESHOLD) puts it in the Reported queue.
    expect((await third.api.post(`/api/comments/${id}/reports`, { reason: 'abuse' })).status).toBe(201);

    const { page, problems } = await open(m.email, m.password);
    await page.locator('a[data-view=reported]').click();
    const card = page.locator(`#c-${id}`);
    await card.waitFor({ timeout: 5000 });
    const summary = await text(page, `#c-${id} .reports > p`);
    expect(summary).toMatch(/^Reports \(3\): /);
    expect(summary).toContain('Abuse ×2');
    expect(summary).toContain('Spam ×1');
    // Only the report with a note is listed, with its reason; the note is the reader's text, not markup.
    expect(await card.locator('.report-notes li').count()).toBe(1);
    expect(await card.locator('.report-notes li [data-reason=abuse]').textContent()).toBe('Abuse');
    expect(await card.locator('.report-notes q.note').textContent()).toBe(note);
    expect(await card.locator('.report-notes b').count()).toBe(0);

    await switchLanguage(page, '한국어');
    await card.waitFor({ timeout: 5000 });
    expect(await text(page, `#c-${id} .reports > p`)).toContain('욕설·괴롭힘 ×2');
    expect(await card.locator('.report-notes q.note').textContent()).toBe(note);
    expect(problems).toEqual([]);
    await page.context().close();
  }, SLOW);

  test('an audit line is a sentence, with the comment a link away', async () => {
    const article = `${kind}-words-audit-${Date.now()}`;
    const m = await moderator(env.app, 'moderator', `desk-${Date.now()}@news.example`);
    const r = await reader(env.app);
    const id = await submit(r, article, 'You are all idiots on this desk');
    expect((await decided(r, id)).status).toBe('in_review');
    expect((await m.api.post(`/api/moderation/comments/${id}/reject`, { reason: 'abuse' })).status).toBe(200);
    const entry = (await (await m.api.get(`/api/moderation/log?commentId=${id}`)).json()).items.find((e: { action: string }) => e.action === 'comment.reject');
    expect(entry).toBeDefined();

    const { page, problems } = await open(m.email, m.password);
    await page.locator('a[data-view=log]').click();
    const row = page.locator(`tr[data-action="comment.reject"]:has(a[data-comment="${id}"])`);
    await row.waitFor({ timeout: 5000 });
    expect(((await row.locator('td.what').textContent()) ?? '').trim()).toBe(`${m.email} rejected a comment — Abuse`);
    expect(await row.locator('.sentence').getAttribute('title')).toBe('comment.reject');
    // The excerpt when the API gives one (commentExcerpt), words otherwise: never the bare id.
    const link = row.locator(`a[data-comment="${id}"]`);
    expect(await link.textContent()).toBe(entry.commentExcerpt ? `“${entry.commentExcerpt}”` : 'Open the comment');
    expect(await row.textContent()).not.toContain(id);
    expect(await row.locator('td').last().textContent()).toBe('Review → Rejected');

    await switchLanguage(page, '한국어');
    await page.locator('a[data-view=log]').click();
    await row.waitFor({ timeout: 5000 });
    expect(((await row.locator('td.what').textContent()) ?? '').trim()).toBe(`${m.email} 님이 댓글을 거부했습니다 — 욕설·괴롭힘`);

    await link.click();
    const card = page.locator(`#c-${id}`);
    await card.waitFor({ timeout: 5000 });
    expect(await text(page, `#c-${id} .meta .status`)).toBe('거부됨 · 욕설·괴롭힘');
    expect(await card.locator('.body').textContent()).toBe('You are all idiots on this desk');
    expect(problems).toEqual([]);
    await page.context().close();

    // The link's address opens the comment in a new tab too.
    const fresh = await open(m.email, m.password);
    const tab = await fresh.page.context().newPage();
    await tab.goto(`${env.app.url}/moderation#comment/${id}`);
    await tab.locator(`#c-${id}`).waitFor({ timeout: 5000 });
    expect(await tab.getByRole('heading', { name: 'Comment' }).count()).toBe(1);
    expect(fresh.problems).toEqual([]);
    await fresh.page.context().close();
  }, SLOW);

  test("the rules dry run names the rules that decide, in the desk's language", async () => {
    const r = await reader(env.app);
    const word = `glorbnik${Date.now() % 100000}`;
    const id = await submit(r, `${kind}-words-dry-run`, `the ${word} plan is fine`);
    expect((await decided(r, id)).status).toBe('published');
    const admin = await moderator(env.app, 'admin');
    const { page, problems } = await open(admin.email, admin.password);
    await page.locator('a[data-view=rules]').click();
    await page.getByRole('button', { name: 'Advanced (JSON)' }).click();
    const editor = page.getByLabel('Rule set (JSON)');
    await editor.waitFor();
    const ruleSet = JSON.parse(await editor.inputValue());
    ruleSet.bannedWords.push(word);
    await editor.fill(JSON.stringify(ruleSet, null, 2));
    await page.getByRole('button', { name: 'Compare with recent comments' }).click();
    const example = page.locator(`#dry-run li[data-id="${id}"]`);
    await example.waitFor();
    expect(await example.locator('.change').textContent()).toBe('Published → Rejected (Banned word): ');
    expect(await example.locator('.findings').textContent()).toBe(' — Banned word');
    expect(await example.locator('.findings [data-rule=banned_word]').getAttribute('title')).toBe('banned_word');
    expect(await example.locator('mark.finding').getAttribute('title')).toBe('Banned word');

    // The language switch redraws the rules page (from the saved rules) in Korean.
    await switchLanguage(page, '한국어');
    await page.getByRole('heading', { name: '규칙', exact: true }).waitFor();
    await page.getByRole('button', { name: '고급 (JSON)' }).click();
    await page.getByLabel('규칙 세트 (JSON)').waitFor();
    expect(problems).toEqual([]);
    await page.context().close();
  }, SLOW);

  test("dates follow the browser's own locale (en-US, ko-KR), whatever the dashboard's language", async () => {
    const article = `${kind}-words-dates-${Date.now()}`;
    const [m, r] = await Promise.all([moderator(env.app), reader(env.app)]);
    const id = await submit(r, article, 'Another idiot decision by the board');
    expect((await decided(r, id)).status).toBe('in_review');
    // Chromium and this process share the machine's time zone: the day is the same in both.
    const created = new Date((await (await m.api.get(`/api/moderation/comments/${id}`)).json()).comment.createdAt);
    const [year, month, day] = [created.getFullYear(), created.getMonth() + 1, created.getDate()];

    const us = await open(m.email, m.password, { locale: 'en-US' });
    await us.page.locator(`#c-${id}`).waitFor({ timeout: 5000 });
    const usText = await text(us.page, `#c-${id} .meta time`);
    expect(usText).toMatch(new RegExp(`^${month}/${day}/${year}, \\d{1,2}:\\d{2}\\s?[AP]M$`));
    await us.page.context().close();

    const korea = await open(m.email, m.password, { locale: 'ko-KR' });
    await korea.page.locator(`#c-${id}`).waitFor({ timeout: 5000 });
    const koText = await text(korea.page, `#c-${id} .meta time`);
    expect(koText).toMatch(new RegExp(`^${year}\\. ${month}\\. ${day}\\. (오전|오후) \\d{1,2}:\\d{2}$`));
    // English words, Korean dates: the language is the desk's choice, the date format the browser's.
    await switchLanguage(korea.page, 'English');
    await korea.page.getByRole('heading', { name: 'Review' }).waitFor();
    await waitFor(async () => (await text(korea.page, `#c-${id} .meta time`)) === koText, 5000, 'the Korean date after switching to English');
    expect(korea.problems).toEqual([]);
    await korea.page.context().close();
  }, SLOW);
});
