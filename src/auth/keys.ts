import { hkdfSync } from 'node:crypto';

/** Separate keys for separate purposes, all derived from AUTH_SECRET. */
export function deriveKey(secret: string, purpose: 'session-cookie' | 'bearer-token' | 'moderator-device' | 'list-cursor' | 'email-unsubscribe'): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'news-comments', purpose, 32));
}
