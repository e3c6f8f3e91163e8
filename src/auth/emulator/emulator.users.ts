import { createHash } from 'node:crypto';

export type EmulatorProvider = 'twitter' | 'facebook';

export interface EmulatorUser {
  provider: EmulatorProvider;
  /** Numeric string, stable for a given provider and screen name. */
  id: string;
  /** The name as typed (trimmed, NFC). */
  name: string;
  /** Lowercased name with spaces turned into underscores. */
  screenName: string;
  firstName: string;
  lastName: string;
  email: string;
  avatarUrl: string;
  createdAt: Date;
}

// "Kim Min-ji" style romanized names carry a hyphen, so it is allowed besides
// the letters, digits, underscore, Hangul and space.
export const PRESET_USERS: readonly string[] = ['Kim Min-ji', 'Lee Jun-ho', 'Jane Doe', 'John Smith', '김민지'];

export const MAX_NAME_LENGTH = 50;

export type NameCheck = { ok: true; name: string } | { ok: false; reason: 'empty' | 'too_long' | 'characters' };

const ALLOWED_NAME = /^[A-Za-z0-9_\- \p{Script=Hangul}]+$/u;

export function checkUserName(input: unknown): NameCheck {
  if (typeof input !== 'string') return { ok: false, reason: 'empty' };
  const name = input.normalize('NFC').trim();
  if (name.length === 0) return { ok: false, reason: 'empty' };
  if ([...name].length > MAX_NAME_LENGTH) return { ok: false, reason: 'too_long' };
  if (!ALLOWED_NAME.test(name)) return { ok: false, reason: 'characters' };
  return { ok: true, name };
}

export function screenNameOf(name: string): string {
  return name.toLowerCase().replace(/ /g, '_');
}

export function avatarUrl(publicBase: string, screenName: string): string {
  return `${publicBase}/_emulator/avatar/${encodeURIComponent(screenName)}.svg`;
}

function digest(provider: EmulatorProvider, screenName: string): Buffer {
  return createHash('sha256').update(`${provider}:${screenName}`).digest();
}

/** Builds the user for an already checked name (see checkUserName). */
export function makeUser(provider: EmulatorProvider, name: string, publicBase: string): EmulatorUser {
  const screenName = screenNameOf(name);
  const hash = digest(provider, screenName);
  // 15 digits stay below 2^53, so the v1.1 numeric `id` is exact in JavaScript.
  const id = BigInt('0x' + hash.toString('hex')).toString().slice(0, 15);
  const [firstName, ...rest] = name.split(/ +/);
  const emailLocal = /^[a-z0-9_.-]+$/.test(screenName) ? screenName : `user${id}`;
  // A join date somewhere in 2008–2017, fixed per user.
  const createdAt = new Date(Date.UTC(2008, 0, 1) + (hash.readUInt32BE(0) % (10 * 365 * 86400)) * 1000);
  return {
    provider,
    id,
    name,
    screenName,
    firstName,
    lastName: rest.join(' '),
    email: `${emailLocal}@example.test`,
    avatarUrl: avatarUrl(publicBase, screenName),
    createdAt,
  };
}

/** Twitter's created_at format: "Wed Oct 10 20:19:24 +0000 2018". */
export function twitterDate(date: Date): string {
  // toUTCString(): "Wed, 10 Oct 2018 20:19:24 GMT"
  const [weekday, day, month, year, time] = date.toUTCString().split(' ');
  return `${weekday.slice(0, 3)} ${month} ${day} ${time} +0000 ${year}`;
}
