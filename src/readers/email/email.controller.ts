import { Body, Controller, Delete, Get, Header, HttpCode, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiGoneResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorDto } from '../../auth/auth.dto.js';
import type { Commenter } from '../../auth/commenter.entity.js';
import { CommenterGuard, CurrentCommenter } from '../../auth/commenter.guard.js';
import { parseOrFail } from '../../comments/comments.dto.js';
import { pickLanguage } from '../../common/language.js';
import { AppError, sendError } from '../../errors.js';
import { emailPages } from './email-pages.js';
import { EmailStateDto, SetEmailDto, setEmailSchema, UnsubscribedDto, type EmailState } from './email.dto.js';
import { EmailService, type TokenOutcome } from './email.service.js';

const ERRORS = {
  unauthorized: { type: ErrorDto, description: 'UNAUTHENTICATED' },
  unavailable: { type: ErrorDto, description: 'EMAIL_NOT_AVAILABLE: SMTP_URL is not set on this service' },
  tooMany: { type: ErrorDto, description: 'RATE_LIMITED: EMAIL_RATE_LIMIT address changes and resends an hour per reader (Retry-After, retryAfter)' },
  invalidToken: { type: ErrorDto, description: 'EMAIL_TOKEN_INVALID: unknown, used, or replaced by a newer one (an HTML page for Accept: text/html)' },
};

@ApiTags('readers')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('api/me/email')
@UseGuards(CommenterGuard)
export class EmailController {
  constructor(private readonly email: EmailService) {}

  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: "The reader's e-mail address for notifications, and whether e-mail is available at all" })
  @ApiOkResponse({ type: EmailStateDto })
  @ApiUnauthorizedResponse(ERRORS.unauthorized)
  state(@CurrentCommenter() reader: Commenter): Promise<EmailState> {
    return this.email.state(reader.id);
  }

  @Put()
  @ApiOperation({ summary: 'Set the address (202: a confirmation mail is on its way; 200: the same confirmed address, nothing sent). It replaces the old one at once.' })
  @ApiBody({ type: SetEmailDto })
  @ApiAcceptedResponse({ type: EmailStateDto })
  @ApiOkResponse({ type: EmailStateDto })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'VALIDATION_FAILED (field address or language), INVALID_JSON' })
  @ApiUnauthorizedResponse(ERRORS.unauthorized)
  @ApiTooManyRequestsResponse(ERRORS.tooMany)
  @ApiServiceUnavailableResponse(ERRORS.unavailable)
  async set(@CurrentCommenter() reader: Commenter, @Body() body: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const { address, language } = parseOrFail(setEmailSchema, body);
    const { status, state } = await this.email.setAddress(reader.id, address, language ?? pickLanguage(request.headers['accept-language']));
    await reply.code(status).header('cache-control', 'no-store').send(state);
  }

  @Post('resend')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a new confirmation link for the unconfirmed address (the older link stops working)' })
  @ApiAcceptedResponse({ type: EmailStateDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'NO_EMAIL_PENDING: no address, or it is confirmed already' })
  @ApiUnauthorizedResponse(ERRORS.unauthorized)
  @ApiTooManyRequestsResponse(ERRORS.tooMany)
  @ApiServiceUnavailableResponse(ERRORS.unavailable)
  resend(@CurrentCommenter() reader: Commenter): Promise<EmailState> {
    return this.email.resend(reader.id);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the address (no more mail); removing none is the same' })
  @ApiNoContentResponse()
  @ApiUnauthorizedResponse(ERRORS.unauthorized)
  async remove(@CurrentCommenter() reader: Commenter): Promise<void> {
    await this.email.remove(reader.id);
  }
}

/** The links in the mails: no sign-in, no cookies, no CSRF token (RFC 8058 one-click). */
@ApiTags('readers')
@Controller('api/email')
export class EmailLinksController {
  constructor(private readonly email: EmailService) {}

  @Get('confirm')
  @ApiOperation({ summary: 'The confirmation link: confirms the address once (an HTML page)' })
  @ApiQuery({ name: 'token', required: true })
  @ApiProduces('text/html', 'application/json')
  @ApiOkResponse({ description: 'An HTML page: the address is confirmed' })
  @ApiBadRequestResponse(ERRORS.invalidToken)
  @ApiGoneResponse({ type: ErrorDto, description: 'EMAIL_TOKEN_EXPIRED: older than EMAIL_CONFIRM_HOURS (an HTML page for Accept: text/html)' })
  async confirm(@Query('token') token: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const outcome = await this.email.confirm(token);
    if (!outcome.ok) return this.refuse(outcome, request, reply);
    await html(reply, 200, emailPages.confirmed(outcome.lang, outcome.address));
  }

  @Get('unsubscribe')
  @ApiOperation({ summary: 'The unsubscribe link: a page whose button POSTs (a GET never unsubscribes: mail scanners follow links)' })
  @ApiQuery({ name: 'token', required: true })
  @ApiProduces('text/html', 'application/json')
  @ApiOkResponse({ description: 'An HTML page with the button' })
  @ApiBadRequestResponse(ERRORS.invalidToken)
  async unsubscribePage(@Query('token') token: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const target = await this.email.unsubscribeTarget(token);
    if (!target.ok) return this.refuse(target, request, reply);
    await html(reply, 200, emailPages.unsubscribe(target.lang, target.scope, token as string));
  }

  @Post('unsubscribe')
  @HttpCode(200)
  @ApiOperation({ summary: 'One-click unsubscribe (RFC 8058): body List-Unsubscribe=One-Click (form-encoded) or empty; sets the e-mail mode of the link’s scope to off' })
  @ApiQuery({ name: 'token', required: true })
  @ApiOkResponse({ type: UnsubscribedDto, description: 'JSON, or an HTML page for Accept: text/html (the page’s button)' })
  @ApiBadRequestResponse(ERRORS.invalidToken)
  async unsubscribe(@Query('token') token: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const done = await this.email.unsubscribe(token);
    if (!done.ok) return this.refuse(done, request, reply);
    if (wantsHtml(request)) return html(reply, 200, emailPages.unsubscribed(done.lang, done.scope));
    await reply.code(200).header('cache-control', 'no-store').send({ scope: done.scope, mode: 'off' });
  }

  private async refuse(outcome: Extract<TokenOutcome<object>, { ok: false }>, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const expired = outcome.why === 'expired';
    if (wantsHtml(request)) {
      const lang = outcome.lang ?? pickLanguage(request.headers['accept-language']);
      return html(reply, expired ? 410 : 400, expired ? emailPages.expired(lang) : emailPages.invalid(lang));
    }
    sendError(
      reply.header('cache-control', 'no-store'),
      expired
        ? new AppError('EMAIL_TOKEN_EXPIRED', 410, 'This link has expired; ask for a new one')
        : new AppError('EMAIL_TOKEN_INVALID', 400, 'This link is not valid: used already, or replaced by a newer one'),
    );
  }
}

function wantsHtml(request: FastifyRequest): boolean {
  return /\btext\/html\b/i.test(String(request.headers.accept ?? ''));
}

async function html(reply: FastifyReply, status: number, page: string): Promise<void> {
  await reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(page);
}
