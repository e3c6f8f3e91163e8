import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import passportTwitter from 'passport-twitter';
import { AppConfig } from '../config.js';
import type { ProviderProfile } from './auth.service.js';
import { PROVIDER_MAX_BYTES, boundOAuth1, providerAgents } from './provider-requests.js';

type ProfileCallback = (err: Error | null, profile?: unknown) => void;
type TwitterJson = Record<string, unknown> & { data?: Record<string, unknown> };

/** Reads both the v1.1 verify_credentials answer and the X API v2 `GET /2/users/me` answer. */
export function profileFromTwitterJson(json: TwitterJson): ProviderProfile {
  if (json.data && typeof json.data === 'object') {
    const d = json.data;
    return {
      provider: 'twitter',
      id: String(d.id),
      displayName: d.name as string | undefined,
      username: d.username as string | undefined,
      avatarUrl: d.profile_image_url as string | undefined,
    };
  }
  return {
    provider: 'twitter',
    id: String(json.id_str ?? json.id),
    displayName: json.name as string | undefined,
    username: json.screen_name as string | undefined,
    avatarUrl: (json.profile_image_url_https ?? json.profile_image_url) as string | undefined,
  };
}

/** The v2 endpoint only includes the avatar when asked for it. */
function withV2Fields(profileUrl: string): string {
  const url = new URL(profileUrl);
  if (/\/2\/users\/me\/?$/.test(url.pathname) && !url.searchParams.has('user.fields')) {
    url.searchParams.set('user.fields', 'profile_image_url');
  }
  return url.href;
}

@Injectable()
export class TwitterStrategy extends PassportStrategy(passportTwitter.Strategy, 'twitter') {
  constructor(config: AppConfig) {
    const twitter = config.twitter!;
    super({
      consumerKey: twitter.consumerKey,
      consumerSecret: twitter.consumerSecret,
      callbackURL: `${config.publicUrl}/auth/twitter/callback`,
      requestTokenURL: twitter.requestTokenUrl,
      accessTokenURL: twitter.accessTokenUrl,
      userAuthorizationURL: twitter.authorizeUrl,
      userProfileURL: withV2Fields(twitter.profileUrl),
    });
    const oauth = (this as unknown as { _oauth: Parameters<typeof boundOAuth1>[0] })._oauth;
    boundOAuth1(oauth, providerAgents({ timeoutMs: config.providerTimeoutMs, maxBytes: PROVIDER_MAX_BYTES }));
  }

  userProfile(token: string, tokenSecret: string, params: unknown, done: ProfileCallback): void {
    const parent = (passportTwitter.Strategy.prototype as unknown as { userProfile: Function }).userProfile;
    parent.call(this, token, tokenSecret, params, (err: Error | null, profile?: { _json: TwitterJson }) => {
      if (err || !profile) return done(err ?? new Error('Failed to fetch user profile'));
      try {
        done(null, profileFromTwitterJson(profile._json));
      } catch (parseError) {
        done(parseError as Error);
      }
    });
  }

  validate(_token: string, _tokenSecret: string, profile: ProviderProfile): ProviderProfile {
    if (!profile.id || profile.id === 'undefined') throw new Error('Failed to fetch user profile');
    return profile;
  }
}
