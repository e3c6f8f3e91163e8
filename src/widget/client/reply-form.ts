/** The reply form under a comment; answering a reply posts its id, and the service files it under the thread. */
import { commentForm } from './comment-form.js';
import { closeSlot, openInSlot, say } from './comment-view.js';
import { currentAuth, t } from './context.js';
import { errorText } from './i18n.js';
import { Draft } from './posting.js';
import { askToSignIn } from './sign-in.js';
import { known } from './state.js';

let forms = 0;

export function openReply(box: HTMLElement, id: string): void {
  if (!currentAuth()) return askToSignIn(box, t.signInToReply);
  const c = known.get(id);
  if (!c?.author) return;
  const draft = new Draft();
  const close = () => closeSlot(box, 'reply');
  const { form, textarea } = commentForm({
    id: `cw-r${++forms}`,
    label: t.replyTo(c.author.displayName),
    submit: t.replySubmit,
    placeholder: t.replyPlaceholder,
    onCancel: close,
    send: async (text) => {
      const error = await draft.post(text, id);
      if (error) {
        say(box, errorText(t, error), true);
        return false;
      }
      // Its card under the thread shows its status, and the "awaiting moderation" line says so while it waits.
      close();
      return true;
    },
  });
  openInSlot(box, form);
  textarea.focus();
}
