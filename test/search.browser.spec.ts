import { appInChromium } from './support/chromium.js';
import { signInToDashboard } from './support/dashboard.js';
import { moderator } from './support/moderators.js';
import { decided, post, reader, type Reader } from './support/readers.js';

const SLOW = 90_000;

// The search itself is tested on both databases (search.e2e.spec.ts); this is the dashboard's box.
describe.each(['sqlite'] as const)('searching from the dashboard in Chromium on %s', (kind) => {
  const env = appInChromium(kind, SLOW);

  async function submit(r: Reader, article: string, body: string): Promise<{ id: string; status: string }> {
    const response = await post(r, article, { body });
    if (response.status !== 202) throw new Error(`submit failed: ${response.status} ${await response.text()}`);
    const { id } = await response.json();
    return { id, status: (await decided(r, id)).status };
  }

  test('`/` opens the search; results are cards with the usual actions; the header button and Korean work too', async () => {
    const article = `${kind}-search-box-${Date.now()}`;
    const [m, r] = await Promise.all([moderator(env.app), reader(env.app, 'Box Reader')]);
    const held = await submit(r, article, 'Honestly the harbourmaster is an idiot');
    const other = await submit(r, article, 'The ferry timetable changed again this week');
    const korean = await submit(r, article, '이 정책은 정말 바 보 같네요');
    expect(held.status).toBe('in_review');

    const { page, problems } = await signInToDashboard(env.browser, env.app.url, m.email, m.password);
    await page.locator('#live.on').waitFor({ timeout: 5000 });
    await page.locator(`#c-${held.id}`).waitFor();

    await page.locator('body').press('/');
    await page.getByRole('heading', { name: 'Search comments' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search-q');
    // Nothing to search for: said on the page, no request.
    await page.keyboard.press('Enter');
    await page.getByText('Give words, an author or an article.').waitFor();

    await page.keyboard.type('I D I O T');
    await page.keyboard.press('Enter');
    const card = page.locator(`#c-${held.id}`);
    await card.waitFor();
    expect(await page.locator('#cards > .card').count()).toBe(1);
    expect(await page.locator(`#c-${other.id}`).count()).toBe(0);
    expect(await page.locator('#search-q').inputValue()).toBe('I D I O T');

    // The usual actions: approving keeps the card on screen, in its new state.
    await card.locator('button.approve').click();
    await page.locator(`#c-${held.id} .meta .status.published`).waitFor();
    const after = await (await m.api.get(`/api/moderation/comments/${held.id}`)).json();
    expect(after.comment.status).toBe('published');

    // From another view, the header's button; in Korean.
    await page.locator('a[data-view=rejected]').click();
    await page.getByRole('button', { name: 'Switch language to Korean' }).click();
    await page.getByRole('button', { name: '검색', exact: true }).click();
    await page.getByRole('heading', { name: '댓글 검색' }).waitFor();
    await page.locator('#search-q').fill('바보');
    await page.locator('#search-q').press('Enter');
    await page.locator(`#c-${korean.id}`).waitFor();
    expect(await page.locator('#cards > .card').count()).toBe(1);
    await page.locator('#search-q').fill('없는말입니다');
    await page.locator('#search-q').press('Enter');
    await page.getByText('찾은 댓글이 없습니다.').waitFor();

    expect(problems).toEqual([]);
    await page.context().close();
  }, SLOW);
});
