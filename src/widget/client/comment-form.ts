/**
 * A text box with the shared 250-character counter, used to write a comment, a reply or an edit.
 * The counter and the server use the same rule (comments/comment-length.ts).
 */
import { COMMENT_LIMIT, measureComment } from '../../comments/comment-length.js';
import { t } from './context.js';
import { h } from './dom.js';

export interface FormOptions {
  /** Prefix of the element ids: "cw" gives #cw-body, #cw-counter, #cw-over. */
  id: string;
  label: string;
  submit: string;
  placeholder?: string;
  initial?: string;
  /** Shown above the text box (the signed-in reader, in the main form). */
  top?: Node;
  /** Shown before the submit button (the policy link, in the main form). */
  beside?: Node;
  onCancel?: () => void;
  /** Sends the text; true clears the box. Errors are told by the caller. */
  send: (text: string) => Promise<boolean>;
}

export interface CommentForm {
  form: HTMLFormElement;
  textarea: HTMLTextAreaElement;
}

export function commentForm(o: FormOptions): CommentForm {
  const textarea = h('textarea', {
    id: `${o.id}-body`,
    name: 'body',
    rows: o.id === 'cw' ? 4 : 3,
    placeholder: o.placeholder,
    'aria-describedby': `${o.id}-counter ${o.id}-over`,
  });
  textarea.value = o.initial ?? '';
  const counter = h('span', { id: `${o.id}-counter`, class: 'cw-counter', 'aria-live': 'polite' });
  const over = h('span', { id: `${o.id}-over`, class: 'cw-over' });
  const submit = h('button', { type: 'submit', class: 'cw-submit' }, o.submit);
  const form = h('form', { class: 'cw-form', novalidate: true },
    o.top,
    h('label', { for: textarea.id, class: o.id === 'cw' ? 'cw-sr' : 'cw-form-label' }, o.label),
    textarea,
    h('div', { class: 'cw-form-foot' },
      h('span', { class: 'cw-meta' }, counter, over),
      o.beside,
      o.onCancel && h('button', { type: 'button', class: 'cw-link cw-cancel', onclick: o.onCancel }, t.cancel),
      submit,
    ),
  );

  const update = () => {
    const m = measureComment(textarea.value);
    counter.textContent = t.counter(m.length, m.limit);
    counter.classList.toggle('cw-warn', m.tooLong);
    textarea.setAttribute('aria-invalid', String(m.tooLong));
    over.textContent = m.tooLong ? t.over(m.length - m.limit) : '';
    submit.disabled = m.tooLong || m.empty || form.classList.contains('cw-busy');
  };
  counter.textContent = t.counter(0, COMMENT_LIMIT);
  update();
  textarea.addEventListener('input', update);
  if (o.onCancel) form.addEventListener('keydown', (e) => (e as KeyboardEvent).key === 'Escape' && o.onCancel!());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const m = measureComment(textarea.value);
    if (m.tooLong || m.empty || form.classList.contains('cw-busy')) return;
    form.classList.add('cw-busy');
    submit.textContent = t.sending;
    update();
    o.send(textarea.value).then(
      (done) => {
        if (done) textarea.value = '';
      },
      () => undefined,
    ).finally(() => {
      form.classList.remove('cw-busy');
      submit.textContent = o.submit;
      update();
    });
  });
  return { form, textarea };
}
