/**
 * Comment counts on a news site's index pages:
 *   <a href="/2018/10/30/pompeo-talks">Pompeo talks <span data-comment-count="2018-10-30-pompeo-talks"
 *      data-comment-count-template="댓글 {n}"></span></a>
 *   <script src="https://comments.example.com/count.js" async></script>
 * One GET /api/counts per 100 distinct ids. The text is set as text, never parsed as HTML.
 */
import { scriptOrigin } from './script-origin.js';

(() => {
  const origin = scriptOrigin(/\/count\.js(\?|$)/);
  if (!origin) return;
  const MAX_IDS = 100;
  // Well under the 16 KiB of request headers Node.js accepts, however long the ids.
  const MAX_QUERY = 8000;

  function show(counts: Record<string, number>, elements: HTMLElement[]): void {
    for (const element of elements) {
      const n = counts[element.dataset.commentCount!];
      if (typeof n === 'number') element.textContent = (element.dataset.commentCountTemplate ?? '{n}').split('{n}').join(String(n));
    }
  }

  function countAll(): void {
    const elements = Array.from(document.querySelectorAll<HTMLElement>('[data-comment-count]'));
    // What the service would refuse (empty, too long, control characters) would fail its whole batch.
    // eslint-disable-next-line no-control-regex
    const ids = [...new Set(elements.map((e) => e.dataset.commentCount!))].filter((id) => id && Array.from(id).length <= 200 && !/[\u0000-\u001f\u007f]/.test(id));
    let batch: string[] = [];
    let length = 0;
    const send = () => {
      if (batch.length === 0) return;
      fetch(`${origin}/api/counts?articleIds=${batch.join(',')}`, { credentials: 'omit' })
        .then((response) => (response.ok ? response.json() : null))
        .then((body: { counts?: Record<string, number> } | null) => body?.counts && show(body.counts, elements))
        .catch(() => undefined);
      batch = [];
      length = 0;
    };
    for (const id of ids) {
      const encoded = encodeURIComponent(id);
      if (batch.length === MAX_IDS || length + encoded.length > MAX_QUERY) send();
      batch.push(encoded);
      length += encoded.length + 1;
    }
    send();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', countAll);
  else countAll();
  // Lists that grow later (infinite scroll, single-page sites) can ask again.
  const api = ((window as unknown as { newsComments?: Record<string, unknown> }).newsComments ??= {});
  api.count = countAll;
})();
