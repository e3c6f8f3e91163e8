/** Every comment button in one listener: the button says what (data-action), its comment's box says which (data-cid). */
import { confirmDelete, openEdit } from './edit-delete.js';
import { confirmMute, reveal, unmuteFromBox } from './mutes.js';
import { react } from './reactions.js';
import { openReply } from './reply-form.js';
import { openReport } from './report.js';

const ACTIONS: Record<string, (box: HTMLElement, id: string) => void> = {
  reply: openReply,
  like: (box, id) => void react(box, id, 'like'),
  dislike: (box, id) => void react(box, id, 'dislike'),
  edit: openEdit,
  delete: confirmDelete,
  report: openReport,
  mute: confirmMute,
  unmute: unmuteFromBox,
  reveal,
};

export function handleActions(root: HTMLElement): void {
  root.addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLElement>('[data-action]');
    const box = button?.closest<HTMLElement>('[data-cid]');
    if (button && box) ACTIONS[button.dataset.action!]?.(box, box.dataset.cid!);
  });
}
