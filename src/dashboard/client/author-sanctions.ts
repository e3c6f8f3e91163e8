/**
 * The author panel's sanctions short of a ban: warn (the reader sees the message until they
 * acknowledge it), pre-moderate, and the moderators' notes with who and when.
 */
import type { NoteView, WarningView } from '../../moderation/commenters/sanctions.dto.js';
import { post } from './api.js';
import { h } from './dom.js';
import type { Lang } from './i18n.js';
import { formatTime } from './words.js';

export interface SanctionsProfile {
  premoderated: boolean;
  warnings: WarningView[];
  notes: NoteView[];
}

const WORDS = {
  en: {
    sanctions: 'Sanctions',
    premoderated: 'Every comment goes to review',
    notPremoderated: 'Comments follow the rules',
    premod: 'Pre-moderate',
    unpremod: 'Stop pre-moderating',
    warn: 'Warn',
    warnMessage: 'Message to the reader (shown until they acknowledge it)',
    sendWarning: 'Send warning',
    cancel: 'Cancel',
    warnings: 'Warnings',
    acknowledged: 'acknowledged',
    unread: 'not yet acknowledged',
    notes: 'Notes',
    addNote: 'Add note',
    noteLabel: 'Note for the desk',
    none: 'None',
    warned: 'Warning sent',
    noteAdded: 'Note added',
    premodOn: 'Pre-moderation on',
    premodOff: 'Pre-moderation off',
  },
  ko: {
    sanctions: '제재',
    premoderated: '모든 댓글을 검토합니다',
    notPremoderated: '규칙에 따라 처리합니다',
    premod: '사전 검토',
    unpremod: '사전 검토 해제',
    warn: '경고',
    warnMessage: '독자에게 보낼 메시지 (확인할 때까지 표시)',
    sendWarning: '경고 보내기',
    cancel: '취소',
    warnings: '경고',
    acknowledged: '확인함',
    unread: '아직 확인하지 않음',
    notes: '메모',
    addNote: '메모 추가',
    noteLabel: '데스크 메모',
    none: '없음',
    warned: '경고를 보냈습니다',
    noteAdded: '메모를 추가했습니다',
    premodOn: '사전 검토를 시작했습니다',
    premodOff: '사전 검토를 해제했습니다',
  },
};

export interface SanctionsHooks {
  lang: Lang;
  /** Refetches the profile and draws the panel again; `said` is announced. */
  changed(said: string): Promise<void>;
  failed(err: unknown): void;
}

/** Which authors' warn form is open (the panel is redrawn with the list). */
const warnOpen = new Set<string>();

export function sanctionsPanel(commenterId: string, profile: SanctionsProfile | undefined, hooks: SanctionsHooks): HTMLElement | null {
  if (!profile || !Array.isArray(profile.notes)) return null;
  const w = WORDS[hooks.lang] ?? WORDS.en;
  const path = `/api/moderation/commenters/${encodeURIComponent(commenterId)}`;
  const act = async (run: () => Promise<unknown>, said: string) => {
    try {
      await run();
      await hooks.changed(said);
    } catch (err) {
      hooks.failed(err);
    }
  };

  const premod = h(
    'button',
    {
      type: 'button',
      class: 'premod',
      'aria-pressed': profile.premoderated ? 'true' : 'false',
      onclick: () => void act(() => post(`${path}/${profile.premoderated ? 'unpremod' : 'premod'}`), profile.premoderated ? w.premodOff : w.premodOn),
    },
    profile.premoderated ? w.unpremod : w.premod,
  );

  const warnId = `warn-${commenterId}`;
  const message = keepDraft(h('textarea', { id: warnId, maxlength: 500, rows: 2, required: true }) as HTMLTextAreaElement);
  const warnForm = warnOpen.has(commenterId)
    ? h(
        'form',
        {
          class: 'warn-form',
          onsubmit: (e: Event) => {
            e.preventDefault();
            const text = message.value.trim();
            if (!text) return message.focus();
            void act(async () => {
              await post(`${path}/warn`, { message: text });
              warnOpen.delete(commenterId);
              drafts.delete(warnId);
            }, w.warned);
          },
        },
        h('label', { for: warnId }, w.warnMessage),
        message,
        h('button', { type: 'submit' }, w.sendWarning),
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            onclick: () => {
              warnOpen.delete(commenterId);
              void hooks.changed('');
            },
          },
          w.cancel,
        ),
      )
    : null;
  const warn = h('button', {
    type: 'button',
    class: 'warn',
    'aria-expanded': warnForm ? 'true' : 'false',
    onclick: () => {
      warnOpen.add(commenterId);
      void hooks.changed('').then(() => document.getElementById(warnId)?.focus());
    },
  }, w.warn);

  const noteId = `note-${commenterId}`;
  const noteText = keepDraft(h('textarea', { id: noteId, maxlength: 2000, rows: 2 }) as HTMLTextAreaElement);
  const noteForm = h(
    'form',
    {
      class: 'note-form',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const text = noteText.value.trim();
        if (!text) return noteText.focus();
        void act(async () => {
          await post(`${path}/notes`, { text });
          drafts.delete(noteId);
        }, w.noteAdded);
      },
    },
    h('label', { for: noteId }, w.noteLabel),
    noteText,
    h('button', { type: 'submit' }, w.addNote),
  );

  return h(
    'div',
    { class: 'sanctions', role: 'group', 'aria-label': w.sanctions },
    h('p', { class: 'premod-state' }, h('strong', {}, profile.premoderated ? w.premoderated : w.notPremoderated), ' ', premod, ' ', warn),
    warnForm,
    h('h4', {}, w.warnings),
    profile.warnings.length
      ? h('ul', { class: 'warnings' }, ...profile.warnings.map((x) => h('li', {}, h('time', { datetime: x.createdAt }, formatTime(x.createdAt)), ' · ', x.acknowledgedAt ? w.acknowledged : w.unread, ' — ', x.message)))
      : h('p', {}, w.none),
    h('h4', {}, w.notes),
    profile.notes.length
      ? h('ul', { class: 'notes' }, ...profile.notes.map((n) => h('li', {}, h('span', { class: 'note-by' }, n.createdBy?.email ?? '—', ' · ', h('time', { datetime: n.createdAt }, formatTime(n.createdAt))), ' ', n.text)))
      : h('p', {}, w.none),
    noteForm,
  );
}

/** Half-typed warnings and notes by field id: the queue redraws its cards (live updates), and a moderator's typing must survive that (renderList keeps the focus). */
const drafts = new Map<string, string>();

function keepDraft(field: HTMLTextAreaElement): HTMLTextAreaElement {
  field.value = drafts.get(field.id) ?? '';
  field.addEventListener('input', () => drafts.set(field.id, field.value));
  return field;
}
