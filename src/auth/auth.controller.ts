import { Controller, Get, HttpCode, Logger, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiFoundResponse, ApiNotFoundResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config.js';
import { AppError } from '../errors.js';
import { FAILURE_STATUS, POPUP_SCRIPT, failurePage, popupResultPage } from './auth-pages.js';
import { ErrorDto, ProvidersDto, TokenDto } from './auth.dto.js';
import { AuthService, toCommenterView } from './auth.service.js';
import { bearerToken } from './commenter.guard.js';
import type { Provider } from './commenter.entity.js';
import { enabledProviders } from './providers.js';
import { safeReturnTo } from './return-to.js';
import { SignInGuard, languageOf, type SignInOutcome } from './sign-in.guard.js';
import { TokensService } from './tokens.service.js';
import { assertTrustedOrigin, ownOrigin } from './trusted-origin.js';
import './session.types.js';
import { SESSION_COOKIE } from './session.cookie.js';

type SignInRequest = FastifyRequest & { signIn?: SignInOutcome };

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  private readonly log = new Logger(AuthController.name);

  constructor(
    private readonly config: AppConfig,
    private readonly auth: AuthService,
    private readonly tokens: TokensService,
  ) {}

  @Get('providers')
  @ApiOperation({ summary: 'The sign-in providers enabled on this site' })
  @ApiOkResponse({ type: ProvidersDto })
  providers(): ProvidersDto {
    const details = enabledProviders(this.config);
    return { providers: details.map((p) => p.id), details, emulator: this.config.emulator };
  }

  @Get('twitter')
  @UseGuards(SignInGuard('twitter', 'start'))
  @ApiOperation({ summary: 'Start sign-in with Twitter (redirects to Twitter)' })
  @ApiQuery({ name: 'returnTo', required: false, description: 'Same-origin path or a URL on ALLOWED_ORIGINS' })
  @ApiQuery({ name: 'popup', required: false, description: '1 when opened as a popup by the widget' })
  @ApiFoundResponse({ description: 'Redirect to the provider' })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'PROVIDER_DISABLED' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'VALIDATION_FAILED: returnTo longer than 1,000 characters' })
  @ApiTooManyRequestsResponse({ type: ErrorDto, description: 'RATE_LIMITED: SIGNIN_RATE_LIMIT starts a minute from this address' })
  startTwitter(@Req() request: SignInRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.finishSignIn('twitter', request, reply);
  }

  @Get('twitter/callback')
  @UseGuards(SignInGuard('twitter', 'callback'))
  @ApiOperation({ summary: 'Twitter returns the reader here' })
  twitterCallback(@Req() request: SignInRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.finishSignIn('twitter', request, reply);
  }

  @Get('facebook')
  @UseGuards(SignInGuard('facebook', 'start'))
  @ApiOperation({ summary: 'Start sign-in with Facebook (redirects to Facebook)' })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'PROVIDER_DISABLED' })
  @ApiQuery({ name: 'returnTo', required: false })
  @ApiQuery({ name: 'popup', required: false })
  @ApiFoundResponse({ description: 'Redirect to the provider' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'VALIDATION_FAILED: returnTo longer than 1,000 characters' })
  @ApiTooManyRequestsResponse({ type: ErrorDto, description: 'RATE_LIMITED: SIGNIN_RATE_LIMIT starts a minute from this address' })
  startFacebook(@Req() request: SignInRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.finishSignIn('facebook', request, reply);
  }

  @Get('facebook/callback')
  @UseGuards(SignInGuard('facebook', 'callback'))
  @ApiOperation({ summary: 'Facebook returns the reader here' })
  facebookCallback(@Req() request: SignInRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.finishSignIn('facebook', request, reply);
  }

  @Get('popup.js')
  @ApiOperation({ summary: 'Script of the sign-in popup page', deprecated: false })
  popupScript(@Res() reply: FastifyReply): void {
    void reply.type('application/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(POPUP_SCRIPT);
  }

  @Post('token')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange the session cookie for a short-lived bearer token' })
  @ApiOkResponse({ type: TokenDto })
  @ApiUnauthorizedResponse({ type: ErrorDto })
  @ApiForbiddenResponse({ type: ErrorDto, description: 'FORBIDDEN_ORIGIN' })
  async token(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<TokenDto> {
    assertTrustedOrigin(request, this.config);
    void reply.header('cache-control', 'no-store');
    const commenterId = request.session.commenterId;
    const commenter = commenterId ? await this.auth.findById(commenterId) : null;
    if (!commenter || commenter.status === 'deleted') throw new AppError('UNAUTHENTICATED', 401, 'Sign in first: no signed-in session');
    return this.tokens.issue(commenter.id, 'commenter');
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out: ends the session and the bearer token sent with the request' })
  @ApiNoContentResponse()
  async logout(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    assertTrustedOrigin(request, this.config);
    const token = bearerToken(request);
    if (token) {
      const claims = await this.tokens.verify(token, 'commenter').catch(() => null);
      if (claims) await this.tokens.revoke(claims);
    }
    if (request.session.commenterId || request.session.signInFlow) await request.session.destroy();
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  /**
   * Ends every sign-in attempt that the strategy did not answer with a redirect: the start route
   * when the provider could not be reached, and every callback.
   */
  private async finishSignIn(provider: Provider, request: SignInRequest, reply: FastifyReply): Promise<void> {
    const storedFlow = request.session.signInFlow;
    const flow = storedFlow?.provider === provider ? storedFlow : undefined;
    const lang = languageOf(request);
    // Checked again on the way out: a session stored by an earlier version may hold a value it let through.
    const returnTo = safeReturnTo(flow?.returnTo, this.config);
    const outcome = request.signIn ?? { ok: false, reason: 'provider', detail: 'no outcome' };
    void reply.header('cache-control', 'no-store');

    if (!outcome.ok) {
      this.log.warn({ provider, reason: outcome.reason, detail: outcome.detail }, 'sign-in failed');
      const html = flow?.popup
        ? popupResultPage(lang, { type: 'comments:auth', ok: false, reason: outcome.reason }, ownOrigin(request, this.config), returnTo)
        : failurePage(lang, outcome.reason, returnTo);
      await reply.code(FAILURE_STATUS[outcome.reason]).type('text/html; charset=utf-8').send(html);
      return;
    }

    const commenter = await this.auth.signIn(outcome.profile);
    await request.session.regenerate(); // a fresh session id after sign-in (no session fixation)
    request.session.cookie.maxAge = this.config.sessionTtlSeconds * 1000; // the start's session was short-lived
    request.session.commenterId = commenter.id;
    this.log.log({ provider, commenterId: commenter.id }, 'signed in');

    if (!flow?.popup) {
      await reply.redirect(returnTo, 302);
      return;
    }
    const issued = await this.tokens.issue(commenter.id, 'commenter');
    const message = { type: 'comments:auth' as const, ok: true, commenter: toCommenterView(commenter), ...issued };
    await reply.type('text/html; charset=utf-8').send(popupResultPage(lang, message, ownOrigin(request, this.config), returnTo));
  }
}
