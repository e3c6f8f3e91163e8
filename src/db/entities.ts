import { Commenter } from '../auth/commenter.entity.js';
import { Article } from '../comments/article.entity.js';
import { Comment } from '../comments/comment.entity.js';
import { CommentReaction } from '../comments/comment-reaction.entity.js';
import { CommentRevision } from '../comments/comment-revision.entity.js';
import { OutboxEntry } from '../comments/outbox.entity.js';
import { AuditEntry } from '../moderation/decisions/audit-entry.entity.js';
import { CommenterBan } from '../moderation/commenters/ban.entity.js';
import { CommenterNote } from '../moderation/commenters/note.entity.js';
import { CommenterWarning } from '../moderation/commenters/warning.entity.js';
import { ModerationLogEntry } from '../moderation/decisions/moderation-log.entity.js';
import { CommentReport } from '../moderation/reports/report.entity.js';
import { RuleSetVersion } from '../moderation/rule-sets/rule-set-version.entity.js';
import { Moderator } from '../moderators/moderator.entity.js';
import { ReaderMute } from '../readers/mutes/mute.entity.js';
import { Notification, NotificationPreference } from '../readers/notifications/notification.entity.js';
import { ReaderEmail } from '../readers/email/reader-email.entity.js';

export const entities = [Commenter, Article, Comment, ModerationLogEntry, OutboxEntry, Moderator, CommenterBan, CommentReport, AuditEntry, RuleSetVersion, CommentRevision, CommentReaction, CommenterWarning, CommenterNote, ReaderMute, Notification, NotificationPreference, ReaderEmail];
