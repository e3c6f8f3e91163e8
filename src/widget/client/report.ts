/** Reporting someone else's comment: a reason and an optional note. */
import { REPORT_REASONS } from '../../moderation/reasons.js';
import { api } from './api.js';
import { closeSlot, openInSlot, syncActions } from './comment-view.js';
import { currentAuth, failure, setNotice, t } from './context.js';
import { h } from './dom.js';
import { errorText } from './i18n.js';
import { reported } from './state.js';

let forms = 0;

export function openReport(box: HTMLElement, id: string): void {
  const n = ++forms;
  const select = h('select', { id: `cw-reason-${n}`, name: 'reason', required: true },
    ...REPORT_REASONS.map((r) => h('option', { value: r }, t.reportReasons[r]!)));
  const note = h('input', { id: `cw-note-${n}`, name: 'note', type: 'text', maxlength: 500, autocomplete: 'off' });
  const status = h('p', { class: 'cw-report-status', role: 'status' });
  const cancel = () => closeSlot(box, 'report');
  const form = h('form', { class: 'cw-report-form', 'aria-label': t.reportTitle },
    h('fieldset', {},
      h('legend', {}, t.reportTitle),
      h('label', { for: select.id, class: 'cw-sr' }, t.reportTitle),
      select,
      h('label', { for: note.id }, t.reportNote),
      note,
      h('div', { class: 'cw-report-buttons' },
        h('button', { type: 'submit', class: 'cw-submit' }, t.reportSend),
        h('button', { type: 'button', class: 'cw-link', onclick: cancel }, t.cancel),
      ),
      status,
    ),
  );
  form.addEventListener('keydown', (e) => (e as KeyboardEvent).key === 'Escape' && cancel());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const auth = currentAuth();
    if (!auth) return;
    const payload: Record<string, string> = { reason: select.value };
    if (note.value.trim()) payload.note = note.value.trim();
    api('POST', `/api/comments/${encodeURIComponent(id)}/reports`, { token: auth.token, body: payload }).then(
      () => {
        reported.add(id);
        closeSlot(box);
        syncActions(id);
        setNotice(t.reportThanks);
      },
      (err: unknown) => (status.textContent = errorText(t, failure(err))),
    );
  });
  openInSlot(box, form);
  select.focus();
}
