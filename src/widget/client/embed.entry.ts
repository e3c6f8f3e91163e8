/**
 * The loader a news site puts on its article pages:
 *   <div data-comments data-article-id="…" data-article-url="…" data-article-title="…" data-lang="ko"></div>
 *   <script src="https://comments.example.com/embed.js" async></script>
 * Each box becomes an iframe served by the comment service, so the reader's token stays out of
 * the host page. The iframe tells its height over postMessage; only messages from the service's
 * origin and from that very frame are believed. A site the service does not serve (not in
 * ALLOWED_ORIGINS) gets the service's sentence in the box instead of the browser's blocked frame.
 * A link to one comment (`#comment-<id>`, as in the notifications) is passed to the frames, on
 * loading and on every change of the fragment; a frame that shows the comment asks to be scrolled to it.
 * The site's token for its signed-in reader (data-sso-token, NewsComments.setSsoToken) goes to the
 * frames by postMessage to the service's origin only, whenever a frame asks (it does on starting) or
 * the token changes; a frame asking with `open` has the site's sign-in page opened from here, so
 * that page's window.opener is this page.
 */
import { scriptOrigin } from './script-origin.js';

(() => {
  const origin = scriptOrigin(/\/embed\.js(\?|$)/);
  if (!origin) return;
  const frames = new Map<Window, HTMLIFrameElement>();

  const THEME = ['Accent', 'Text', 'Muted', 'Background', 'Font'];
  // Only what a comment id is made of leaves the page's address (the widget checks the id itself).
  const linked = () => (/^#comment-([\da-f-]{36})$/.exec(location.hash) ?? [])[1];
  /**
   * Asked once per page: the refusal in each language when the service refuses this site; nothing
   * when it allows it or could not be asked (then the iframe is tried, as before).
   */
  let refusal: Promise<Record<string, string> | false | undefined | null> | undefined;
  let sso: string | null | undefined;
  const give = (w: Window) => sso !== undefined && w.postMessage({ type: 'comments:sso', token: sso }, origin);

  function mount(box: HTMLElement): void {
    const data = box.dataset;
    if (data.commentsMounted || !data.articleId) return;
    data.commentsMounted = '1';
    sso ??= data.ssoToken;
    const lang = data.lang === 'ko' || data.lang === 'en' ? data.lang : /^ko\b/i.test(navigator.language) ? 'ko' : 'en';
    refusal ??= fetch(`${origin}/api/embed/check`)
      .then((r) => r.json())
      .then((answer: { allowed?: boolean; message?: Record<string, string> }) => !answer.allowed && answer.message)
      .catch(() => null);
    void refusal.then((text) => {
      // As text: nothing from the network becomes HTML on the site's page.
      if (text) box.textContent = text[lang]!;
      else addFrame(box, lang);
    });
  }

  function addFrame(box: HTMLElement, lang: string): void {
    const data = box.dataset;
    const query = new URLSearchParams({ articleId: data.articleId!, lang, host: location.origin });
    query.set('url', data.articleUrl || location.href.split('#')[0]!);
    const title = data.articleTitle ?? document.title;
    if (title) query.set('title', title);
    const comment = linked();
    if (comment) query.set('comment', comment);
    for (const key of THEME) {
      const value = data['theme' + key];
      if (value) query.set(`theme-${key.toLowerCase()}`, value);
    }
    const iframe = document.createElement('iframe');
    iframe.src = `${origin}/widget?${query}`;
    iframe.title = lang === 'ko' ? '댓글' : 'Comments';
    iframe.setAttribute('scrolling', 'no');
    iframe.style.cssText = 'display:block;width:100%;min-width:0;height:320px;border:0;overflow:hidden;color-scheme:normal';
    box.appendChild(iframe);
    if (iframe.contentWindow) frames.set(iframe.contentWindow, iframe);
  }

  function mountAll(): void {
    document.querySelectorAll<HTMLElement>('[data-comments]').forEach(mount);
  }

  addEventListener('message', (event: MessageEvent) => {
    const frame = frames.get(event.source as Window);
    const data = (event.data ?? {}) as { type?: unknown; height?: unknown; offset?: unknown; open?: unknown };
    if (event.origin !== origin || !frame) return;
    if (data.type === 'comments:sso') {
      if (data.open) open(data.open as string, 'cw-sso', 'width=520,height=680');
      give(event.source as Window);
    }
    if (data.type !== 'comments:resize' || typeof data.height !== 'number') return;
    frame.style.height = `${Math.max(120, Math.min(Math.ceil(data.height), 100_000))}px`;
    // With `offset`: the page scrolls to that point of the frame (a linked comment).
    if (typeof data.offset === 'number') scrollTo(0, frame.getBoundingClientRect().top + scrollY + data.offset);
  });

  addEventListener('hashchange', () => frames.forEach((_, w) => w.postMessage({ type: 'comments:show', id: linked() }, origin)));

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mountAll);
  else mountAll();
  // Boxes added later (single-page sites) can call this again. Shared with count.js: neither replaces the other's.
  ((window as unknown as { newsComments?: Record<string, unknown> }).newsComments ??= {}).mount = mountAll;
  (window as unknown as { NewsComments: object }).NewsComments = {
    setSsoToken(token: string | null) {
      sso = token || null;
      frames.forEach((_, w) => give(w));
    },
  };
})();
