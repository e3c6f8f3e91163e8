import { ApiExcludeController } from '@nestjs/swagger';
import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { EMULATOR_APP_NAME, EMULATOR_TWITTER, allowedReturnUrl, appendQuery } from './emulator.credentials.js';
import { consentPage, errorPage, pickLanguage, pinPage, type PageMessage } from './emulator.pages.js';
import { EmulatorStore, type RequestToken } from './emulator.store.js';
import { checkUserName, makeUser, twitterDate, type EmulatorUser } from './emulator.users.js';
import { collectOAuth1Params, verifyOAuth1Request, type OAuth1Request, type VerifyFailure } from './oauth1-signature.js';

type Fields = Record<string, unknown>;

const COULD_NOT_AUTHENTICATE = { code: 32, message: 'Could not authenticate you.' };
const INVALID_TOKEN = { code: 89, message: 'Invalid or expired token.' };
const TIMESTAMP_OUT_OF_BOUNDS = { code: 135, message: 'Timestamp out of bounds.' };
const CALLBACK_NOT_APPROVED = {
  code: 415,
  message: 'Callback URL not approved for this client application. Approved callback URLs can be adjusted in your application settings',
};

const V2_FIELDS = ['created_at', 'description', 'location', 'profile_image_url', 'protected', 'url', 'verified'];

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function fieldsOf(value: unknown): Fields {
  return value && typeof value === 'object' && !Buffer.isBuffer(value) ? (value as Fields) : {};
}

function publicBase(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

/** The request as the client signed it: the URL it used (Host header + path) and a form body. */
function oauthRequest(req: FastifyRequest): OAuth1Request {
  const isForm = /^application\/x-www-form-urlencoded\b/i.test(str(req.headers['content-type']) ?? '');
  return {
    method: req.method,
    url: `${publicBase(req)}${req.url}`,
    authorization: str(req.headers.authorization),
    formBody: isForm ? fieldsOf(req.body) : undefined,
  };
}

function sendJson(reply: FastifyReply, status: number, body: unknown): void {
  reply.code(status).header('content-type', 'application/json; charset=utf-8').header('cache-control', 'no-store').send(JSON.stringify(body));
}

function sendError(reply: FastifyReply, status: number, error: { code: number; message: string }): void {
  sendJson(reply, status, { errors: [error] });
}

function sendForm(reply: FastifyReply, params: Record<string, string>): void {
  reply
    .code(200)
    .header('content-type', 'application/x-www-form-urlencoded')
    .header('cache-control', 'no-store')
    .send(new URLSearchParams(params).toString());
}

function sendHtml(reply: FastifyReply, status: number, html: string): void {
  reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}

function failureError(reason: VerifyFailure): { code: number; message: string } {
  return reason === 'timestamp' ? TIMESTAMP_OUT_OF_BOUNDS : COULD_NOT_AUTHENTICATE;
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** Emulates api.twitter.com's OAuth 1.0a endpoints and the two "who am I" APIs. */
@ApiExcludeController()
@Controller('_emulator/twitter')
export class TwitterEmulatorController {
  constructor(private readonly store: EmulatorStore) {}

  @Post('oauth/request_token')
  requestToken(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    const input = oauthRequest(req);
    const params = collectOAuth1Params(input);
    if (!params || params.oauth.oauth_consumer_key !== EMULATOR_TWITTER.consumerKey) {
      return sendError(reply, 401, COULD_NOT_AUTHENTICATE);
    }
    const result = this.verify(input, '');
    if (!result.ok) return sendError(reply, 401, failureError(result.reason));

    const callback = result.oauth.oauth_callback;
    if (callback !== 'oob' && !allowedReturnUrl(callback, req.host)) {
      return sendError(reply, 403, CALLBACK_NOT_APPROVED);
    }
    const record = this.store.createRequestToken(EMULATOR_TWITTER.consumerKey, callback);
    sendForm(reply, { oauth_token: record.token, oauth_token_secret: record.secret, oauth_callback_confirmed: 'true' });
  }

  // passport-twitter's default userAuthorizationURL is /oauth/authenticate; both behave the same here.
  @Get(['oauth/authorize', 'oauth/authenticate'])
  authorizePage(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    const query = fieldsOf(req.query);
    const lang = pickLanguage(req.headers['accept-language']);
    const record = this.pendingToken(str(query.oauth_token));
    if (typeof record === 'string') return sendHtml(reply, 400, errorPage('twitter', lang, record));
    sendHtml(reply, 200, this.page(req, record, { name: str(query.screen_name) }));
  }

  @Post(['oauth/authorize', 'oauth/authenticate'])
  authorize(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    const body = fieldsOf(req.body);
    const lang = pickLanguage(req.headers['accept-language']);
    const record = this.pendingToken(str(body.oauth_token));
    if (typeof record === 'string') return sendHtml(reply, 400, errorPage('twitter', lang, record));

    const action = str(body.action) ?? 'allow';
    if (action === 'deny') {
      this.store.deleteRequestToken(record.token);
      if (record.callback === 'oob') return sendHtml(reply, 200, errorPage('twitter', lang, 'denied'));
      return this.redirect(reply, record.callback, { denied: record.token });
    }
    if (action !== 'allow') return sendHtml(reply, 400, this.page(req, record, { error: 'action_invalid' }));

    const name = checkUserName(body.name);
    if (!name.ok) {
      return sendHtml(reply, 400, this.page(req, record, { error: `name_${name.reason}`, name: str(body.name) }));
    }
    const verifier = this.store.authorizeRequestToken(record, makeUser('twitter', name.name, publicBase(req)));
    if (record.callback === 'oob') return sendHtml(reply, 200, pinPage(lang, verifier));
    this.redirect(reply, record.callback, { oauth_token: record.token, oauth_verifier: verifier });
  }

  @Post('oauth/access_token')
  accessToken(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    const input = oauthRequest(req);
    const params = collectOAuth1Params(input);
    if (!params || params.oauth.oauth_consumer_key !== EMULATOR_TWITTER.consumerKey) {
      return sendError(reply, 401, COULD_NOT_AUTHENTICATE);
    }
    const record = this.store.getRequestToken(params.oauth.oauth_token ?? '');
    if (!record || record.consumerKey !== params.oauth.oauth_consumer_key) return sendError(reply, 401, INVALID_TOKEN);

    const result = this.verify(input, record.secret);
    if (!result.ok) return sendError(reply, 401, failureError(result.reason));

    const verifier = result.oauth.oauth_verifier;
    if (!record.verifier || !record.user || !verifier || !safeEqual(verifier, record.verifier)) {
      return sendError(reply, 401, { code: 32, message: 'Invalid oauth_verifier parameter' });
    }
    const access = this.store.createTwitterAccessToken({ ...record, user: record.user });
    sendForm(reply, {
      oauth_token: access.token,
      oauth_token_secret: access.secret,
      user_id: access.user.id,
      screen_name: access.user.screenName,
    });
  }

  @Get('1.1/account/verify_credentials.json')
  verifyCredentials(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    const user = this.authenticate(req, (status, error) => sendError(reply, status, error));
    if (!user) return;
    const query = fieldsOf(req.query);
    const json: Record<string, unknown> = {
      id: Number(user.id),
      id_str: user.id,
      name: user.name,
      screen_name: user.screenName,
      location: '',
      description: '',
      url: null,
      entities: { description: { urls: [] } },
      protected: false,
      followers_count: 0,
      friends_count: 0,
      listed_count: 0,
      created_at: twitterDate(user.createdAt),
      favourites_count: 0,
      utc_offset: null,
      time_zone: null,
      geo_enabled: false,
      verified: false,
      statuses_count: 0,
      lang: null,
      profile_image_url: user.avatarUrl,
      profile_image_url_https: user.avatarUrl,
      default_profile: true,
      default_profile_image: false,
    };
    if (str(query.include_email) === 'true') json.email = user.email;
    // passport-twitter copies this header into profile._accessLevel.
    reply.header('x-access-level', 'read');
    sendJson(reply, 200, json);
  }

  @Get('2/users/me')
  usersMe(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    const user = this.authenticate(req, (status) =>
      sendJson(reply, status, { title: 'Unauthorized', type: 'about:blank', status, detail: 'Unauthorized' }),
    );
    if (!user) return;
    // As on X, only id, name and username come by default; the rest must be asked for with user.fields.
    const requested = (str(fieldsOf(req.query)['user.fields']) ?? '').split(',').filter(Boolean);
    const unknown = requested.filter((f) => !V2_FIELDS.includes(f));
    if (unknown.length) {
      return sendJson(reply, 400, {
        errors: [{
          parameters: { 'user.fields': unknown },
          message: `The \`user.fields\` query parameter value [${unknown[0]}] is not one of [${V2_FIELDS.join(',')}]`,
        }],
        title: 'Invalid Request',
        detail: 'One or more parameters to your request was invalid.',
        type: 'https://api.twitter.com/2/problems/invalid-request',
      });
    }
    const extra: Record<string, unknown> = {
      created_at: user.createdAt.toISOString(),
      description: '',
      location: '',
      profile_image_url: user.avatarUrl,
      protected: false,
      url: '',
      verified: false,
    };
    const data: Record<string, unknown> = { id: user.id, name: user.name, username: user.screenName };
    for (const field of requested) data[field] = extra[field];
    sendJson(reply, 200, { data });
  }

  /** Checks a request signed with an access token; sends the error itself and returns undefined on failure. */
  private authenticate(
    req: FastifyRequest,
    fail: (status: number, error: { code: number; message: string }) => void,
  ): EmulatorUser | undefined {
    const input = oauthRequest(req);
    const params = collectOAuth1Params(input);
    if (!params || params.oauth.oauth_consumer_key !== EMULATOR_TWITTER.consumerKey) {
      fail(401, COULD_NOT_AUTHENTICATE);
      return undefined;
    }
    const access = this.store.getTwitterAccessToken(params.oauth.oauth_token ?? '');
    if (!access || access.consumerKey !== params.oauth.oauth_consumer_key) {
      fail(401, INVALID_TOKEN);
      return undefined;
    }
    const result = this.verify(input, access.secret);
    if (!result.ok) {
      fail(401, failureError(result.reason));
      return undefined;
    }
    return access.user;
  }

  private verify(input: OAuth1Request, tokenSecret: string) {
    return verifyOAuth1Request(input, {
      consumerSecret: EMULATOR_TWITTER.consumerSecret,
      tokenSecret,
      rememberNonce: (key, nonce) => this.store.rememberNonce(key, nonce),
    });
  }

  /** A request token the user may still allow or deny, or the message explaining why not. */
  private pendingToken(token: string | undefined): RequestToken | PageMessage {
    const record = token ? this.store.getRequestToken(token) : undefined;
    if (!record) return 'token_invalid';
    if (record.verifier) return 'token_used';
    return record;
  }

  private page(req: FastifyRequest, record: RequestToken, extra: { error?: PageMessage; name?: string }): string {
    const returnTo = record.callback === 'oob' ? undefined : new URL(record.callback).origin;
    const path = req.url.split('?')[0];
    return consentPage({
      provider: 'twitter',
      lang: pickLanguage(req.headers['accept-language']),
      appName: EMULATOR_APP_NAME,
      appId: record.consumerKey,
      action: path.slice(path.lastIndexOf('/') + 1),
      emulatorRoot: '../../',
      hidden: { oauth_token: record.token },
      returnTo,
      ...extra,
    });
  }

  /** The callback was checked when the request token was issued. */
  private redirect(reply: FastifyReply, callback: string, params: Record<string, string>): void {
    reply.code(302).header('location', appendQuery(new URL(callback), params)).header('cache-control', 'no-store').send();
  }
}
