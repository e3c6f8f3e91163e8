import { Injectable } from '@nestjs/common';
import { randomBytes, randomInt } from 'node:crypto';
import type { EmulatorUser } from './emulator.users.js';

export interface RequestToken {
  token: string;
  secret: string;
  consumerKey: string;
  /** An absolute http(s) URL, or 'oob'. */
  callback: string;
  /** Set once the user allowed the app. */
  verifier?: string;
  user?: EmulatorUser;
}

export interface TwitterAccessToken {
  token: string;
  secret: string;
  consumerKey: string;
  user: EmulatorUser;
}

export interface FacebookCode {
  code: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  user: EmulatorUser;
}

export interface FacebookToken {
  token: string;
  clientId: string;
  scopes: string[];
  user: EmulatorUser;
}

export type CodeLookup = { status: 'ok'; code: FacebookCode } | { status: 'used' | 'unknown' };

const MINUTE = 60_000;
export const FACEBOOK_TOKEN_TTL_SECONDS = 5_183_944;

class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, ttlMs: number): void {
    this.purge();
    this.entries.set(key, { value, expiresAt: Date.now() + ttlMs });
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  private purge(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}

function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

export interface EmulatorTtls {
  requestTokenMs: number;
  facebookCodeMs: number;
  nonceMs: number;
}

/** In-memory state of the emulated providers. Everything is lost on restart, like a fresh provider. */
@Injectable()
export class EmulatorStore {
  // A nonce only has to be remembered while its timestamp can pass the ±300 s check.
  private readonly ttls: EmulatorTtls = { requestTokenMs: 5 * MINUTE, facebookCodeMs: 10 * MINUTE, nonceMs: 15 * MINUTE };
  private readonly requestTokens = new ExpiringMap<RequestToken>();
  private readonly twitterTokens = new ExpiringMap<TwitterAccessToken>();
  private readonly facebookCodes = new ExpiringMap<FacebookCode>();
  private readonly usedFacebookCodes = new ExpiringMap<true>();
  private readonly facebookTokens = new ExpiringMap<FacebookToken>();
  private readonly nonces = new ExpiringMap<true>();

  /** For tests: shorten (or lengthen) lifetimes. Applies to entries created afterwards. */
  setTtls(ttls: Partial<EmulatorTtls>): void {
    Object.assign(this.ttls, ttls);
  }

  setRequestTokenTtl(ms: number): void {
    this.ttls.requestTokenMs = ms;
  }

  createRequestToken(consumerKey: string, callback: string): RequestToken {
    const record: RequestToken = { token: randomToken(), secret: randomToken(30), consumerKey, callback };
    this.requestTokens.set(record.token, record, this.ttls.requestTokenMs);
    return record;
  }

  getRequestToken(token: string): RequestToken | undefined {
    return this.requestTokens.get(token);
  }

  /** Marks the request token as allowed by `user`; returns the verifier. */
  authorizeRequestToken(record: RequestToken, user: EmulatorUser): string {
    record.user = user;
    // Out-of-band (PIN) flows get a 7-digit verifier the user can type, as on Twitter.
    record.verifier = record.callback === 'oob' ? String(randomInt(0, 10_000_000)).padStart(7, '0') : randomToken(24);
    return record.verifier;
  }

  /** For tests: makes a request token expire now, as if its lifetime had run out. */
  expireRequestTokenForTest(token: string): void {
    this.requestTokens.delete(token);
  }

  deleteRequestToken(token: string): void {
    this.requestTokens.delete(token);
  }

  /** Exchanges an authorized request token (single use) for an access token. */
  createTwitterAccessToken(request: RequestToken & { user: EmulatorUser }): TwitterAccessToken {
    this.requestTokens.delete(request.token);
    const record: TwitterAccessToken = {
      token: `${request.user.id}-${randomToken(30)}`,
      secret: randomToken(33),
      consumerKey: request.consumerKey,
      user: request.user,
    };
    // Twitter access tokens do not expire.
    this.twitterTokens.set(record.token, record, Number.MAX_SAFE_INTEGER / 2);
    return record;
  }

  getTwitterAccessToken(token: string): TwitterAccessToken | undefined {
    return this.twitterTokens.get(token);
  }

  createFacebookCode(clientId: string, redirectUri: string, scopes: string[], user: EmulatorUser): FacebookCode {
    const record: FacebookCode = { code: randomToken(48), clientId, redirectUri, scopes, user };
    this.facebookCodes.set(record.code, record, this.ttls.facebookCodeMs);
    return record;
  }

  /** Codes are single use: a code found here is gone afterwards, and remembered as used. */
  consumeFacebookCode(code: string): CodeLookup {
    const record = this.facebookCodes.get(code);
    if (!record) return { status: this.usedFacebookCodes.get(code) ? 'used' : 'unknown' };
    this.facebookCodes.delete(code);
    this.usedFacebookCodes.set(code, true, this.ttls.facebookCodeMs);
    return { status: 'ok', code: record };
  }

  createFacebookToken(code: FacebookCode): FacebookToken {
    const record: FacebookToken = { token: `EAA${randomToken(60)}`, clientId: code.clientId, scopes: code.scopes, user: code.user };
    this.facebookTokens.set(record.token, record, FACEBOOK_TOKEN_TTL_SECONDS * 1000);
    return record;
  }

  getFacebookToken(token: string): FacebookToken | undefined {
    return this.facebookTokens.get(token);
  }

  /** Returns false when this consumer already used the nonce within the memory window. */
  rememberNonce(consumerKey: string, nonce: string): boolean {
    const key = `${consumerKey}\n${nonce}`;
    if (this.nonces.get(key)) return false;
    this.nonces.set(key, true, this.ttls.nonceMs);
    return true;
  }
}
