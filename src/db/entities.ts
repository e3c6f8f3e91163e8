import { Commenter } from '../auth/commenter.entity.js';
import { Article } from '../comments/article.entity.js';
import { Comment } from '../comments/comment.entity.js';
import { OutboxEntry } from '../comments/outbox.entity.js';
import { ModerationLogEntry } from '../moderation/moderation-log.entity.js';

export const entities = [Commenter, Article, Comment, ModerationLogEntry, OutboxEntry];
