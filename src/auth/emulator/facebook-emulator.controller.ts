import { ApiExcludeController } from '@nestjs/swagger';
import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { EMULATOR_APP_NAME, EMULATOR_FACEBOOK, allowedReturnUrl, appendQuery } from './emulator.credentials.js';
import { consentPage, errorPage, pickLanguage, type PageMessage } from './emulator.pages.js';
import { EmulatorStore, FACEBOOK_TOKEN_TTL_SECONDS } from './emulator.store.js';
import { checkUserName, makeUser, type EmulatorUser } from './emulator.users.js';

type Fields = Record<string, unknown>;

interface GraphError {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
}

interface DialogParams {
  clientId: string;
  redirectUri: URL;
  redirectUriRaw: string;
  scopes: string[];
  /** Absent and empty are different: an absent state is not sent back. */
  state: string | undefined;
  hidden: Record<string, string>;
}

// Fields the emulator knows but never returns, like a real user who did not grant them.
const UNAVAILABLE_FIELDS = new Set([
  'middle_name', 'gender', 'birthday', 'link', 'age_range', 'hometown', 'location', 'locale', 'timezone', 'name_format', 'friends',
]);

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function fieldsOf(value: unknown): Fields {
  return value && typeof value === 'object' && !Buffer.isBuffer(value) ? (value as Fields) : {};
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

function sendJson(reply: FastifyReply, status: number, body: unknown): void {
  reply.code(status).header('content-type', 'application/json; charset=UTF-8').header('cache-control', 'no-store').send(JSON.stringify(body));
}

function sendGraphError(reply: FastifyReply, error: GraphError): void {
  sendJson(reply, 400, { error: { ...error, fbtrace_id: randomBytes(8).toString('base64url') } });
}

function sendHtml(reply: FastifyReply, status: number, html: string): void {
  reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}

function oauthError(message: string, code = 100, subcode?: number): GraphError {
  return { message, type: 'OAuthException', code, ...(subcode ? { error_subcode: subcode } : {}) };
}

/** Splits a Graph API field list at top-level commas: "id,picture.type(large){url}" → ["id", "picture.type(large){url}"]. */
function splitFields(fields: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of fields) {
    if (char === '{' || char === '(') depth++;
    if (char === '}' || char === ')') depth = Math.max(0, depth - 1);
    if (char === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current.trim());
  return parts.filter(Boolean);
}

/** Emulates the Facebook Login dialog and the Graph API calls passport-facebook makes. */
@ApiExcludeController()
@Controller('_emulator/facebook')
export class FacebookEmulatorController {
  constructor(private readonly store: EmulatorStore) {}

  @Get('dialog/oauth')
  dialog(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    const lang = pickLanguage(req.headers['accept-language']);
    const params = this.dialogParams(req, fieldsOf(req.query));
    if (typeof params === 'string') return sendHtml(reply, 400, errorPage('facebook', lang, params));
    sendHtml(reply, 200, this.page(req, params, {}));
  }

  @Post('dialog/oauth')
  decide(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    const body = fieldsOf(req.body);
    const lang = pickLanguage(req.headers['accept-language']);
    // The hidden fields came back from the browser: check them again.
    const params = this.dialogParams(req, body);
    if (typeof params === 'string') return sendHtml(reply, 400, errorPage('facebook', lang, params));

    const action = str(body.action) ?? 'allow';
    if (action === 'deny') {
      return this.redirect(reply, params.redirectUri, {
        error: 'access_denied',
        error_code: '200',
        error_description: 'Permissions error',
        error_reason: 'user_denied',
        state: params.state,
      });
    }
    if (action !== 'allow') return sendHtml(reply, 400, this.page(req, params, { error: 'action_invalid' }));

    const name = checkUserName(body.name);
    if (!name.ok) return sendHtml(reply, 400, this.page(req, params, { error: `name_${name.reason}`, name: str(body.name) }));

    const user = makeUser('facebook', name.name, `${req.protocol}://${req.host}`);
    const code = this.store.createFacebookCode(params.clientId, params.redirectUriRaw, params.scopes, user);
    this.redirect(reply, params.redirectUri, { code: code.code, state: params.state });
  }

  // The `oauth` 0.10 OAuth2 client (passport-oauth2) POSTs a form; the Graph API also takes GET with a query.
  @Get('oauth/access_token')
  accessTokenGet(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    this.accessToken(fieldsOf(req.query), reply);
  }

  @Post('oauth/access_token')
  accessTokenPost(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    this.accessToken({ ...fieldsOf(req.query), ...fieldsOf(req.body) }, reply);
  }

  @Get('me')
  me(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    const query = fieldsOf(req.query);
    const header = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(str(req.headers.authorization) ?? '');
    const token = str(query.access_token) ?? header?.[1];
    if (!token) {
      return sendGraphError(reply, oauthError('An active access token must be used to query information about the current user.', 2500));
    }
    const record = this.store.getFacebookToken(token);
    if (!record) return sendGraphError(reply, oauthError('Invalid OAuth access token - Cannot parse access token', 190));

    const proof = query.appsecret_proof;
    if (proof !== undefined) {
      const expected = createHmac('sha256', EMULATOR_FACEBOOK.appSecret).update(token).digest('hex');
      if (typeof proof !== 'string' || !safeEqual(proof.toLowerCase(), expected)) {
        return sendGraphError(reply, { message: 'Invalid appsecret_proof provided in the API argument', type: 'GraphMethodException', code: 100 });
      }
    }

    const requested = query.fields === undefined ? ['id', 'name'] : splitFields(str(query.fields) ?? '');
    const json: Record<string, unknown> = {};
    for (const field of requested) {
      const name = /^[a-z_]*/i.exec(field)?.[0] ?? '';
      if (name === 'username') {
        return sendGraphError(reply, oauthError('(#12) username field is deprecated for versions v2.0 and higher', 12));
      }
      const value = this.field(name, record.user, record.scopes);
      if (value === null) {
        return sendGraphError(reply, oauthError(`(#100) Tried accessing nonexisting field (${name || field}) on node type (User)`, 100));
      }
      if (value !== undefined) json[name] = value;
    }
    // The Graph API always answers with the id.
    json.id = record.user.id;
    sendJson(reply, 200, json);
  }

  private accessToken(params: Fields, reply: FastifyReply): void {
    const clientId = str(params.client_id);
    if (clientId !== EMULATOR_FACEBOOK.appId) {
      return sendGraphError(reply, oauthError('Error validating application. Invalid application ID.', 101));
    }
    const secret = str(params.client_secret);
    if (!secret || !safeEqual(secret, EMULATOR_FACEBOOK.appSecret)) {
      return sendGraphError(reply, oauthError('Error validating client secret.'));
    }
    const grantType = params.grant_type;
    if (grantType !== undefined && grantType !== 'authorization_code') {
      return sendGraphError(reply, oauthError('Unsupported grant_type.'));
    }
    const code = str(params.code);
    if (!code) return sendGraphError(reply, oauthError('Missing authorization code'));

    // A code is burnt by any exchange attempt that passed the client checks, successful or not.
    const found = this.store.consumeFacebookCode(code);
    if (found.status !== 'ok') {
      return sendGraphError(
        reply,
        found.status === 'used' ? oauthError('This authorization code has been used.', 100, 36009) : oauthError('Invalid verification code format.'),
      );
    }
    if (found.code.clientId !== clientId) return sendGraphError(reply, oauthError('Invalid verification code format.'));
    if (str(params.redirect_uri) !== found.code.redirectUri) {
      return sendGraphError(
        reply,
        oauthError('Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request', 100, 36008),
      );
    }
    const token = this.store.createFacebookToken(found.code);
    sendJson(reply, 200, { access_token: token.token, token_type: 'bearer', expires_in: FACEBOOK_TOKEN_TTL_SECONDS });
  }

  /** The value of a requested field: undefined to leave it out, null when the field does not exist. */
  private field(name: string, user: EmulatorUser, scopes: string[]): unknown {
    switch (name) {
      case 'id':
        return user.id;
      case 'name':
        return user.name;
      case 'first_name':
      case 'short_name':
        return user.firstName;
      case 'last_name':
        return user.lastName || undefined;
      case 'email':
        // As on Facebook, the address only comes with the `email` permission.
        return scopes.includes('email') ? user.email : undefined;
      case 'picture':
        return { data: { height: 200, is_silhouette: false, url: user.avatarUrl, width: 200 } };
      default:
        return UNAVAILABLE_FIELDS.has(name) ? undefined : null;
    }
  }

  private dialogParams(req: FastifyRequest, source: Fields): DialogParams | PageMessage {
    const clientId = str(source.client_id);
    if (clientId !== EMULATOR_FACEBOOK.appId) return 'app_unknown';
    const redirectUriRaw = str(source.redirect_uri);
    const redirectUri = allowedReturnUrl(redirectUriRaw, req.host);
    if (!redirectUri || !redirectUriRaw) return 'redirect_invalid';
    const responseType = source.response_type;
    if (responseType !== undefined && responseType !== 'code') return 'response_type_invalid';

    const scope = str(source.scope);
    const state = str(source.state);
    const hidden: Record<string, string> = { client_id: clientId, redirect_uri: redirectUriRaw, response_type: 'code' };
    if (scope !== undefined) hidden.scope = scope;
    if (state !== undefined) hidden.state = state;
    const scopes = (scope ?? '').split(/[,\s]+/).filter(Boolean);
    return { clientId, redirectUri, redirectUriRaw, scopes, state, hidden };
  }

  private page(req: FastifyRequest, params: DialogParams, extra: { error?: PageMessage; name?: string }): string {
    return consentPage({
      provider: 'facebook',
      lang: pickLanguage(req.headers['accept-language']),
      appName: EMULATOR_APP_NAME,
      appId: params.clientId,
      action: 'oauth',
      emulatorRoot: '../../',
      hidden: params.hidden,
      returnTo: params.redirectUri.origin,
      scopes: ['public_profile', ...params.scopes.filter((s) => s !== 'public_profile')],
      ...extra,
    });
  }

  private redirect(reply: FastifyReply, target: URL, params: Record<string, string | undefined>): void {
    reply.code(302).header('location', appendQuery(target, params)).header('cache-control', 'no-store').send();
  }
}
