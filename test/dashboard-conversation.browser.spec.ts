import { appInChromium } from './support/chromium.js';
import { moderator } from './support/moderators.js';
import { signInToDashboard } from './support/dashboard.js';
import { decided, post, reader, waitFor, type Reader } from './support/readers.js';

const SLOW = 90_000;

// The browser sees the same API on either database (the e2e suites run both): one is enough here, for the time budget.
describe.each(['sqlite'] as const)('the dashboard and conversations in Chromium on %s', (kind) => {
  const env = appInChromium(kind, SLOW);

  async function submit(r: Reader, articleId: string, body: string, parentId?: string): Promise<string> {
    const response = await post(r, articleId, parentId ? { body, parentId } : { body });
    if (response.status !== 202) throw new Error(`submit failed: ${response.status} ${await response.text()}`);
    return (await response.json()).id;
  }

  test("a reply shows what it answers and its revisions, f makes a published comment an editor's pick, a deleted comment shows in its author's history", async () => {
    const article = `${kind}-dash-conversation-${Date.now()}`;
    const [m, alice, bob] = await Promise.all([moderator(env.app), reader(env.app, 'Alice Top'), reader(env.app, 'Bob Reply')]);
    const top = await submit(alice, article, 'The transit plan finally funds the night buses.');
    expect((await decided(alice, top)).status).toBe('published');
    const gone = await submit(alice, article, 'A second thought I will take back.');
    expect((await decided(alice, gone)).status).toBe('published');
    expect((await alice.api.request('DELETE', `/api/comments/${gone}`)).status).toBe(204);
    const reply = await submit(bob, article, 'Only an idiot would believe that', top);
    expect((await decided(bob, reply)).status).toBe('in_review');
    // Edited while held: judged again, held again; the dashboard shows both texts and decides the latest.
    expect((await bob.api.patch(`/api/comments/${reply}`, { body: 'Only an idiot would believe that, sorry' })).status).toBe(202);
    expect((await decided(bob, reply)).status).toBe('in_review');

    const { page, problems } = await signInToDashboard(env.browser, env.app.url, m.email, m.password);
    const replyCard = page.locator(`#c-${reply}`);
    await replyCard.waitFor({ timeout: 10_000 });
    expect(await replyCard.locator('.parent figcaption').textContent()).toContain('In reply to Alice Top');
    expect(await replyCard.locator('.parent blockquote').textContent()).toBe('The transit plan finally funds the night buses.');
    await replyCard.getByText('Revisions (2)').click();
    expect(await replyCard.locator('.revisions li .body').allTextContents()).toEqual(['Only an idiot would believe that', 'Only an idiot would believe that, sorry']);
    const revisions = (await (await m.api.get(`/api/moderation/comments/${reply}`)).json()).revisions as Array<{ id: string }>;
    const approval = page.waitForRequest((r) => r.url().endsWith(`/api/moderation/comments/${reply}/approve`));
    await replyCard.focus();
    await page.keyboard.press('a');
    expect((await approval).postDataJSON()).toEqual({ expectedStatus: 'in_review', revisionId: revisions.at(-1)!.id });
    await replyCard.waitFor({ state: 'detached', timeout: 5000 });
    expect((await (await m.api.get(`/api/moderation/comments/${reply}`)).json()).comment).toMatchObject({ status: 'published', body: 'Only an idiot would believe that, sorry' });

    // The published queue (g 4): feature Alice's comment from the keyboard.
    await page.keyboard.press('g');
    await page.keyboard.press('4');
    const topCard = page.locator(`#c-${top}`);
    await topCard.waitFor({ timeout: 5000 });
    expect(await topCard.locator('button.feature').getAttribute('aria-pressed')).toBe('false');
    await topCard.focus();
    await page.keyboard.press('f');
    await topCard.locator('.featured-badge').waitFor({ timeout: 5000 });
    expect(await topCard.locator('button.feature').getAttribute('aria-pressed')).toBe('true');
    const highlights = await waitFor(async () => {
      const body = await (await fetch(`${env.app.url}/api/articles/${article}/comments/highlights`)).json();
      return body.featured.length ? body : undefined;
    }, 5000, 'the pick in the highlights');
    expect(highlights.featured.map((c: { id: string }) => c.id)).toEqual([top]);

    // Alice's history counts her deleted comment, and lists it with its status.
    await page.locator(`#c-${top}`).focus();
    await page.keyboard.press('h');
    const history = page.getByRole('region', { name: /Author history: Alice Top/ });
    await history.locator('.recent').waitFor({ timeout: 5000 });
    expect(await history.locator('.status-counts').textContent()).toContain('Deleted by the author 1');
    expect(await history.locator('.recent').textContent()).toContain('Deleted by the author');

    // f again withdraws the pick.
    await page.locator(`#c-${top}`).focus();
    await page.keyboard.press('f');
    await waitFor(async () => (await topCard.locator('.featured-badge').count()) === 0, 5000, 'the badge to go');
    expect((await (await m.api.get(`/api/moderation/comments/${top}`)).json()).comment.featured).toBe(false);
    expect(problems).toEqual([]);
    await page.context().close();
  }, SLOW);
});
