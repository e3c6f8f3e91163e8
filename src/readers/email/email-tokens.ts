import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { NOTIFICATION_TYPES, type NotificationType } from '../notifications/notification.entity.js';

/** What one unsubscribe link switches off: one type's mail, or all of it. */
export type UnsubscribeScope = NotificationType | 'all';

const READER_ID = /^[A-Za-z0-9-]{1,36}$/;

/** A confirmation link's token: 32 random bytes, base64url. */
export function newConfirmToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored of a confirmation token (never the token itself). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function looksLikeConfirmToken(token: unknown): token is string {
  return typeof token === 'string' && /^[A-Za-z0-9_-]{43}$/.test(token);
}

function mac(key: Buffer, readerId: string, scope: string, address: string): string {
  return createHmac('sha256', key).update(`${readerId}\n${scope}\n${address}`).digest('base64url');
}

/**
 * An unsubscribe token: `<reader id>.<scope>.<HMAC over reader id, scope and address>`. No expiry;
 * a new address makes every older token wrong.
 */
export function unsubscribeToken(key: Buffer, readerId: string, scope: UnsubscribeScope, address: string): string {
  return `${readerId}.${scope}.${mac(key, readerId, scope, address)}`;
}

/** The token's reader and scope, when it has the right shape (its MAC is checked against the stored address: verifyUnsubscribe). */
export function parseUnsubscribeToken(token: unknown): { readerId: string; scope: UnsubscribeScope; mac: string } | null {
  if (typeof token !== 'string' || token.length > 200) return null;
  const [readerId, scope, given, extra] = token.split('.');
  if (extra !== undefined || !readerId || !READER_ID.test(readerId) || !given || !/^[A-Za-z0-9_-]{43}$/.test(given)) return null;
  if (scope !== 'all' && !NOTIFICATION_TYPES.includes(scope as NotificationType)) return null;
  return { readerId, scope: scope as UnsubscribeScope, mac: given };
}

export function verifyUnsubscribe(key: Buffer, parsed: { readerId: string; scope: string; mac: string }, address: string): boolean {
  const expected = Buffer.from(mac(key, parsed.readerId, parsed.scope, address));
  const given = Buffer.from(parsed.mac);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
