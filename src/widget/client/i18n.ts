export type { Lang } from '../../common/language.js';
import type { Lang } from '../../common/language.js';
import { withParticle } from '../../common/korean-particles.js';

const en = {
  comments: 'Comments',
  pleaseLogIn: 'To write comments, please log in',
  closed: 'Comments are closed on this article.',
  logInWith: (p: string) => `Log in with ${p}`,
  noProviders: 'Signing in is not available right now.',
  popupBlocked: 'The sign-in window was blocked. Please allow pop-ups for this site and try again.',
  signInFailed: 'You are not signed in. Please try again.',
  logOut: 'Log out',
  signedInAs: 'Signed in as',
  label: 'Write a comment',
  placeholder: 'Share your view. Comments are checked before they appear.',
  counter: (n: number, limit: number) => `${n}/${limit}`,
  over: (n: number) => `${n} over the limit: shorten your comment to post it.`,
  policy: 'Standards Board Policy',
  submit: 'Post comment',
  sending: 'Posting…',
  pending: 'Your comment is awaiting moderation',
  yourComments: 'Your comments not yet published',
  status: { pending: 'Awaiting moderation', in_review: 'Being reviewed by an editor', rejected: 'Not published', published: 'Published' } as Record<string, string>,
  reasonPrefix: 'Reason:',
  reasons: {
    banned_word: 'it contains words our standards do not allow',
    suspect_word: 'it did not pass review',
    link: 'it contains a link',
    premoderation: 'it did not pass review',
    spam: 'spam or advertising',
    abuse: 'abusive or hateful',
    personal_information: 'it reveals personal information',
    off_topic: 'off topic',
    other: 'it does not meet our standards',
    personal_info: 'it contains personal information (a phone number, an email address…)',
    shouting: 'it is written in capitals',
    flooding: 'it repeats characters or emoji too often',
    duplicate_self: 'you posted the same comment already',
    duplicate_campaign: 'the same text was posted by many accounts',
    article_closed: 'comments on this article are closed',
  } as Record<string, string>,
  empty: 'No comments yet. Be the first to comment.',
  loadMore: 'Load more comments',
  loading: 'Loading comments…',
  loadFailed: 'Comments could not be loaded.',
  retry: 'Try again',
  total: (n: number) => `${n} comment${n === 1 ? '' : 's'}`,
  report: 'Report',
  reported: 'Reported',
  reportTitle: 'Why are you reporting this comment?',
  reportNote: 'Note (optional)',
  reportSend: 'Send report',
  cancel: 'Cancel',
  reportThanks: 'Thank you. An editor will look at this comment.',
  reportReasons: {
    spam: 'Spam or advertising',
    abuse: 'Abuse or hate',
    personal_information: 'Personal information',
    off_topic: 'Off topic',
    other: 'Something else',
  } as Record<string, string>,
  newComment: 'New comment',
  reply: 'Reply',
  replyTo: (name: string) => `Reply to ${name}`,
  replyPlaceholder: 'Write a reply. Replies are checked before they appear.',
  replySubmit: 'Post reply',
  replies: (n: number) => `${n} ${n === 1 ? 'reply' : 'replies'}`,
  repliesTo: (name: string) => `Replies to ${name}`,
  moreReplies: 'More replies',
  pendingReply: 'Your reply is awaiting moderation',
  like: 'Like',
  dislike: 'Dislike',
  signInToReact: 'Please log in to like or dislike comments.',
  signInToReply: 'Please log in to reply.',
  sortLabel: 'Sort comments',
  sorts: { newest: 'Newest', oldest: 'Oldest', likes: 'Most liked', replies: 'Most replies' } as Record<string, string>,
  reloaded: 'The order changed while you were reading: the list starts again from the top.',
  highlights: 'Highlighted comments',
  featured: "Editor's pick",
  best: 'BEST',
  deletedComment: 'This comment was deleted',
  edited: '(edited)',
  edit: 'Edit',
  editLeft: (time: string) => `Edit (${time} left)`,
  editLabel: 'Edit your comment',
  save: 'Save',
  editPending: 'Your edit is awaiting moderation:',
  editSent: 'Your edit is awaiting moderation. Readers see the published text until then.',
  delete: 'Delete',
  deleteConfirm: 'Delete this comment? This cannot be undone.',
  deleted: 'Your comment was deleted.',
  reactionErrors: {
    OWN_COMMENT: () => 'You cannot like or dislike your own comment.',
    RATE_LIMITED: (e: ApiErrorInfo) => `You are reacting too quickly. Please wait ${e.retryAfter ?? 60} seconds and try again.`,
  } as Record<string, (e: ApiErrorInfo) => string>,
  errors: {
    COMMENT_TOO_LONG: (e: ApiErrorInfo) => `Your comment is too long (${e.length ?? '?'} of ${e.limit ?? 250} characters). Please shorten it.`,
    COMMENT_EMPTY: () => 'Please write something first.',
    RATE_LIMITED: (e: ApiErrorInfo) => `You are commenting too quickly. Please wait ${e.retryAfter ?? 60} seconds and try again.`,
    COMMENTER_BANNED: () => 'This account can no longer post comments.',
    COMMENTS_CLOSED: () => 'Comments are closed on this article.',
    UNAUTHENTICATED: () => 'Your sign-in has expired. Please log in again.',
    OWN_COMMENT: () => 'You cannot report your own comment.',
    COMMENT_NOT_PUBLISHED: () => 'This comment is no longer published.',
    NOT_FOUND: () => 'This comment is no longer available.',
    PARENT_NOT_AVAILABLE: () => 'The comment you are replying to is no longer published.',
    VALIDATION_FAILED: (e: ApiErrorInfo) => (e.field === 'parentId' ? 'The comment you are replying to is no longer published.' : 'Something went wrong. Please try again.'),
    EDIT_WINDOW_CLOSED: () => 'The time for editing this comment is over.',
    EDIT_LIMIT_REACHED: () => 'This comment cannot be edited any more.',
    NOT_AUTHOR: () => 'You can only change your own comments.',
    COMMENT_DELETED: () => 'This comment was deleted.',
    COMMENT_REJECTED: () => 'A comment that was not published cannot be edited.',
    CONFLICT: () => 'The comment changed meanwhile. Please try again.',
    NETWORK: () => 'The comment service could not be reached. Please check your connection and try again.',
    OTHER: () => 'Something went wrong. Please try again.',
  } as Record<string, (e: ApiErrorInfo) => string>,
};

export type Strings = typeof en;

const ko: Strings = {
  comments: '댓글',
  pleaseLogIn: '댓글을 쓰려면 로그인해 주세요',
  closed: '이 기사의 댓글 쓰기는 닫혔습니다.',
  logInWith: (p) => `${withParticle(p, '으로/로')} 로그인`,
  noProviders: '지금은 로그인할 수 없습니다.',
  popupBlocked: '로그인 창이 차단되었습니다. 이 사이트의 팝업을 허용한 뒤 다시 시도해 주세요.',
  signInFailed: '로그인되지 않았습니다. 다시 시도해 주세요.',
  logOut: '로그아웃',
  signedInAs: '로그인 계정',
  label: '댓글 쓰기',
  placeholder: '의견을 남겨 주세요. 댓글은 검토 후 게시됩니다.',
  counter: (n, limit) => `${n}/${limit}`,
  over: (n) => `${n}자 초과: 댓글을 줄여야 등록할 수 있습니다.`,
  policy: '게시판 운영 원칙',
  submit: '댓글 등록',
  sending: '등록 중…',
  pending: '댓글이 검토를 기다리고 있습니다',
  yourComments: '아직 게시되지 않은 내 댓글',
  status: { pending: '검토 대기 중', in_review: '편집자 검토 중', rejected: '게시되지 않음', published: '게시됨' },
  reasonPrefix: '사유:',
  reasons: {
    banned_word: '운영 원칙상 허용되지 않는 표현이 있습니다',
    suspect_word: '검토를 통과하지 못했습니다',
    link: '링크가 포함되어 있습니다',
    premoderation: '검토를 통과하지 못했습니다',
    spam: '스팸 또는 광고',
    abuse: '욕설 또는 혐오 표현',
    personal_information: '개인정보 노출',
    off_topic: '기사와 무관한 내용',
    other: '운영 원칙에 맞지 않습니다',
    personal_info: '개인정보(전화번호, 이메일 등)가 포함되어 있습니다',
    shouting: '대문자로만 쓰였습니다',
    flooding: '같은 글자나 이모지가 너무 많이 반복됩니다',
    duplicate_self: '같은 댓글을 이미 등록했습니다',
    duplicate_campaign: '여러 계정이 같은 글을 올렸습니다',
    article_closed: '이 기사의 댓글이 닫혔습니다',
  },
  empty: '아직 댓글이 없습니다. 첫 댓글을 남겨 주세요.',
  loadMore: '댓글 더 보기',
  loading: '댓글을 불러오는 중…',
  loadFailed: '댓글을 불러오지 못했습니다.',
  retry: '다시 시도',
  total: (n) => `댓글 ${n}개`,
  report: '신고',
  reported: '신고됨',
  reportTitle: '이 댓글을 신고하는 이유는 무엇인가요?',
  reportNote: '메모 (선택)',
  reportSend: '신고하기',
  cancel: '취소',
  reportThanks: '감사합니다. 편집자가 이 댓글을 확인합니다.',
  reportReasons: {
    spam: '스팸 또는 광고',
    abuse: '욕설 또는 혐오',
    personal_information: '개인정보 노출',
    off_topic: '기사와 무관한 내용',
    other: '기타',
  },
  newComment: '새 댓글',
  reply: '답글 달기',
  replyTo: (name) => `${name}님에게 답글 쓰기`,
  replyPlaceholder: '답글을 남겨 주세요. 답글은 검토 후 게시됩니다.',
  replySubmit: '답글 등록',
  replies: (n) => `답글 ${n}`,
  repliesTo: (name) => `${name}님 댓글의 답글`,
  moreReplies: '답글 더 보기',
  pendingReply: '답글이 검토를 기다리고 있습니다',
  like: '공감',
  dislike: '비공감',
  signInToReact: '공감하거나 비공감하려면 로그인해 주세요.',
  signInToReply: '답글을 쓰려면 로그인해 주세요.',
  sortLabel: '댓글 정렬',
  sorts: { newest: '최신순', oldest: '오래된순', likes: '공감순', replies: '답글순' },
  reloaded: '읽는 사이 순서가 바뀌어 목록을 처음부터 다시 불러왔습니다.',
  highlights: '주목받는 댓글',
  featured: '편집자 추천',
  best: 'BEST',
  deletedComment: '삭제된 댓글입니다',
  edited: '(수정됨)',
  edit: '수정',
  editLeft: (time) => `수정 (${time} 남음)`,
  editLabel: '댓글 수정',
  save: '저장',
  editPending: '수정한 내용이 검토를 기다리고 있습니다:',
  editSent: '수정한 내용이 검토를 기다리고 있습니다. 그동안 다른 독자에게는 게시된 글이 보입니다.',
  delete: '삭제',
  deleteConfirm: '이 댓글을 삭제할까요? 되돌릴 수 없습니다.',
  deleted: '댓글을 삭제했습니다.',
  reactionErrors: {
    OWN_COMMENT: () => '내 댓글에는 공감하거나 비공감할 수 없습니다.',
    RATE_LIMITED: (e) => `공감을 너무 자주 누르고 있습니다. ${e.retryAfter ?? 60}초 후에 다시 시도해 주세요.`,
  },
  errors: {
    COMMENT_TOO_LONG: (e) => `댓글이 너무 깁니다(${e.length ?? '?'}/${e.limit ?? 250}자). 줄여서 다시 등록해 주세요.`,
    COMMENT_EMPTY: () => '내용을 먼저 입력해 주세요.',
    RATE_LIMITED: (e) => `댓글을 너무 자주 등록하고 있습니다. ${e.retryAfter ?? 60}초 후에 다시 시도해 주세요.`,
    COMMENTER_BANNED: () => '이 계정은 더 이상 댓글을 쓸 수 없습니다.',
    COMMENTS_CLOSED: () => '이 기사에는 댓글을 쓸 수 없습니다.',
    UNAUTHENTICATED: () => '로그인이 만료되었습니다. 다시 로그인해 주세요.',
    OWN_COMMENT: () => '내 댓글은 신고할 수 없습니다.',
    COMMENT_NOT_PUBLISHED: () => '더 이상 게시되지 않은 댓글입니다.',
    NOT_FOUND: () => '더 이상 볼 수 없는 댓글입니다.',
    PARENT_NOT_AVAILABLE: () => '답글을 달려는 댓글이 더 이상 게시되어 있지 않습니다.',
    VALIDATION_FAILED: (e) => (e.field === 'parentId' ? '답글을 달려는 댓글이 더 이상 게시되어 있지 않습니다.' : '문제가 발생했습니다. 다시 시도해 주세요.'),
    EDIT_WINDOW_CLOSED: () => '수정할 수 있는 시간이 지났습니다.',
    EDIT_LIMIT_REACHED: () => '이 댓글은 더 이상 수정할 수 없습니다.',
    NOT_AUTHOR: () => '내 댓글만 고치거나 지울 수 있습니다.',
    COMMENT_DELETED: () => '삭제된 댓글입니다.',
    COMMENT_REJECTED: () => '게시되지 않은 댓글은 수정할 수 없습니다.',
    CONFLICT: () => '그사이 댓글이 바뀌었습니다. 다시 시도해 주세요.',
    NETWORK: () => '댓글 서비스에 연결할 수 없습니다. 연결을 확인한 뒤 다시 시도해 주세요.',
    OTHER: () => '문제가 발생했습니다. 다시 시도해 주세요.',
  },
};

export interface ApiErrorInfo {
  error: string;
  status: number;
  message?: string;
  retryAfter?: number;
  length?: number;
  limit?: number;
  field?: string;
}

export function strings(lang: Lang): Strings {
  return lang === 'ko' ? ko : en;
}

/** The error in words; `specific` words it for one action (a reaction's RATE_LIMITED is not a comment's). */
export function errorText(t: Strings, e: ApiErrorInfo, specific: Record<string, (e: ApiErrorInfo) => string> = {}): string {
  return (specific[e.error] ?? t.errors[e.error] ?? t.errors.OTHER!)(e);
}

/** "4:05": the time left to edit. */
export function minutesSeconds(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 minutes ago" / "3분 전" */
export function relativeTime(lang: Lang, iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const format = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(0, 'second'); // "now" / "지금"
}

export function absoluteTime(lang: Lang, iso: string): string {
  return new Intl.DateTimeFormat(lang === 'ko' ? 'ko-KR' : 'en-GB', { dateStyle: 'long', timeStyle: 'short' }).format(new Date(iso));
}
