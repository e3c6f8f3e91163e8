import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '../auth/keys.js';

/**
 * OWASP's device cookie: a browser where a moderator once signed in successfully. Its failed
 * sign-ins are counted apart from everyone else's, so strangers who lock the account out for
 * anonymous browsers never lock out the moderator's own.
 */
export const DEVICE_COOKIE = 'cs_mod_device';
export const DEVICE_COOKIE_TTL_SECONDS = 180 * 24 * 3600;
/** Sent only with sign-in attempts: nothing else needs it. */
export const DEVICE_COOKIE_PATH = '/api/moderation/session';

export interface Device {
  /** The moderator whose successful sign-in earned the cookie. */
  moderatorId: string;
  id: string;
}

export class DeviceCookies {
  private readonly key: Buffer;

  constructor(authSecret: string) {
    this.key = deriveKey(authSecret, 'moderator-device');
  }

  /** The value to set: `moderatorId.deviceId.expiry.signature`. */
  issue(device: Device, nowMs = Date.now()): string {
    const payload = `${device.moderatorId}.${device.id}.${Math.floor(nowMs / 1000) + DEVICE_COOKIE_TTL_SECONDS}`;
    return `${payload}.${this.sign(payload)}`;
  }

  /** The device a cookie names, or null when it is missing, forged or expired. */
  read(value: string | undefined, nowMs = Date.now()): Device | null {
    if (!value || value.length > 200) return null;
    const parts = value.split('.');
    if (parts.length !== 4) return null;
    const [moderatorId, id, expiry, signature] = parts as [string, string, string, string];
    const expected = Buffer.from(this.sign(`${moderatorId}.${id}.${expiry}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    if (!(Number(expiry) * 1000 > nowMs)) return null;
    return { moderatorId, id };
  }

  static newId(): string {
    return randomBytes(16).toString('base64url');
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
