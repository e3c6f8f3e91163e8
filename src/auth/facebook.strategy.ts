import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import passportFacebook from 'passport-facebook';
import { AppConfig } from '../config.js';
import type { ProviderProfile } from './auth.service.js';
import { PROVIDER_MAX_BYTES, boundOAuth2, providerAgents } from './provider-requests.js';

@Injectable()
export class FacebookStrategy extends PassportStrategy(passportFacebook.Strategy, 'facebook') {
  constructor(config: AppConfig) {
    const facebook = config.facebook!;
    super({
      clientID: facebook.appId,
      clientSecret: facebook.appSecret,
      callbackURL: `${config.publicUrl}/auth/facebook/callback`,
      authorizationURL: facebook.authorizeUrl,
      tokenURL: facebook.tokenUrl,
      profileURL: facebook.profileUrl,
      profileFields: ['id', 'displayName', 'photos'],
      enableProof: true,
      state: true, // checked against the session on the callback (CSRF)
    });
    const oauth2 = (this as unknown as { _oauth2: Parameters<typeof boundOAuth2>[0] })._oauth2;
    boundOAuth2(oauth2, providerAgents({ timeoutMs: config.providerTimeoutMs, maxBytes: PROVIDER_MAX_BYTES }));
  }

  validate(_accessToken: string, _refreshToken: string, profile: passportFacebook.Profile): ProviderProfile {
    if (!profile.id) throw new Error('Failed to fetch user profile');
    return {
      provider: 'facebook',
      id: String(profile.id),
      displayName: profile.displayName,
      avatarUrl: profile.photos?.[0]?.value,
    };
  }
}
