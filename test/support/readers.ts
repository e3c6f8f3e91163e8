import type { TestApp } from './app.js';
import { Browser } from './browser.js';
import { signIn } from './sign-in.js';

export interface Reader {
  id: string;
  token: string;
  /** Sends the bearer token, as the widget does. */
  api: Browser;
}

let counter = 0;

/** A signed-in reader with a bearer token, in one line. Each call makes a new reader unless a name is given. */
export async function reader(t: TestApp, name = `Reader ${++counter} ${Date.now() % 100000}`, provider: 'twitter' | 'facebook' = 'twitter'): Promise<Reader> {
  const browser = new Browser(t.url);
  const callback = await signIn(browser, provider, { name });
  if (callback.status !== 302) throw new Error(`sign-in failed: ${callback.status}`);
  const { token } = await (await browser.post('/auth/token')).json();
  const me = await (await browser.get('/api/me')).json();
  return { id: me.id, token, api: new Browser(t.url, { authorization: `Bearer ${token}` }) };
}

export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Posts a comment and returns the HTTP response (not thrown on errors). */
export function post(r: Reader, articleId: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return r.api.post(`/api/articles/${encodeURIComponent(articleId)}/comments`, body, headers);
}

/** Waits until moderation has decided, as the author sees it. */
export async function decided(r: Reader, commentId: string): Promise<{ status: string; reason: string | null }> {
  return waitFor(
    async () => {
      const comment = await (await r.api.get(`/api/comments/${commentId}`)).json();
      return comment.status !== 'pending' ? comment : undefined;
    },
    10_000,
    `comment ${commentId} to be moderated`,
  );
}
