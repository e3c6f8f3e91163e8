import { Commenters1764300000000 } from './1764300000000-commenters.js';
import { Comments1764300100000 } from './1764300100000-comments.js';
import { Moderation1764400000000 } from './1764400000000-moderation.js';
import { ModeratorPasswordChanged1764400100000 } from './1764400100000-moderator-password-changed.js';
import { CommentTextHash1764600000000 } from './1764600000000-comment-text-hash.js';
import { RuleSets1764650000000 } from './1764650000000-rule-sets.js';
import { CommenterCounts1764700000000 } from './1764700000000-commenter-counts.js';
import { ModeratorCredentialsChanged1764810000000 } from './1764810000000-moderator-credentials-changed.js';
import { Conversation1764900000000 } from './1764900000000-conversation.js';
import { Sanctions1765000000000 } from './1765000000000-sanctions.js';
import { Search1765000100000 } from './1765000100000-search.js';
import { Mutes1765100000000 } from './1765100000000-mutes.js';
import { Notifications1765100100000 } from './1765100100000-notifications.js';
import { Account1765100200000 } from './1765100200000-account.js';
import { Email1765100300000 } from './1765100300000-email.js';
import { Webhooks1765200000000 } from './1765200000000-webhooks.js';
import { Sso1765200100000 } from './1765200100000-sso.js';

/** Every migration, oldest first. The same list runs on SQLite and PostgreSQL. */
export const migrations = [
  Commenters1764300000000,
  Comments1764300100000,
  Moderation1764400000000,
  ModeratorPasswordChanged1764400100000,
  CommentTextHash1764600000000,
  RuleSets1764650000000,
  CommenterCounts1764700000000,
  ModeratorCredentialsChanged1764810000000,
  Conversation1764900000000,
  Sanctions1765000000000,
  Search1765000100000,
  Mutes1765100000000,
  Notifications1765100100000,
  Account1765100200000,
  Email1765100300000,
  Webhooks1765200000000,
  Sso1765200100000,
];
