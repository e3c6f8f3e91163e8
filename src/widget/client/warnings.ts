/**
 * A moderator's warning to the signed-in reader: a banner above the composer on every article page
 * until the reader presses "I understand". The message is set as text, never parsed as HTML.
 */
import { api } from './api.js';
import { currentAuth, failure, settings, setNotice, t } from './context.js';
import { clear, h } from './dom.js';

interface Warning {
  id: number;
  message: string;
  createdAt: string;
}

const WORDS = {
  en: { title: 'A message from the editors', acknowledge: 'I understand' },
  ko: { title: '편집자의 안내', acknowledge: '확인했습니다' },
};
const words = WORDS[settings.lang] ?? WORDS.en;

export const warnings = h('div', { class: 'cw-warnings' });

/** Shows the reader's unacknowledged warnings, oldest first; none for the signed-out. */
export async function loadWarnings(): Promise<void> {
  const token = currentAuth()?.token;
  if (!token) return clear(warnings);
  try {
    const { items } = await api<{ items: Warning[] }>('GET', '/api/me/warnings', { token, cache: 'no-store' });
    if (currentAuth()?.token !== token) return; // signed out or in as someone else meanwhile
    clear(warnings);
    for (const w of items) warnings.append(banner(w));
  } catch (err) {
    failure(err);
  }
}

function banner(w: Warning): HTMLElement {
  const titleId = `cw-warning-${w.id}`;
  const button = h('button', { type: 'button', class: 'cw-submit cw-warning-ack' }, words.acknowledge);
  const box = h('div', { class: 'cw-warning', role: 'alert', 'aria-labelledby': titleId },
    h('p', { class: 'cw-warning-title', id: titleId }, words.title),
    h('p', { class: 'cw-warning-message' }, w.message),
    button,
  );
  button.addEventListener('click', () => {
    const token = currentAuth()?.token;
    if (!token) return;
    button.disabled = true;
    api('POST', `/api/me/warnings/${w.id}/acknowledge`, { token }).then(
      () => {
        const next = box.nextElementSibling?.querySelector('button') ?? box.previousElementSibling?.querySelector('button');
        box.remove();
        // Keep keyboard users in place: the next warning's button, else the box's title.
        (next ?? document.getElementById('cw-title'))?.focus();
      },
      (err: unknown) => {
        button.disabled = false;
        const info = failure(err);
        setNotice(t.errors[info.error]?.(info) ?? t.errors.OTHER!(info), 'error');
      },
    );
  });
  return box;
}
