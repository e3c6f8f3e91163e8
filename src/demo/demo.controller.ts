import { Controller, Get, Header, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuthService, toCommenterView } from '../auth/auth.service.js';
import { pickLanguage } from '../common/language.js';
import { AppConfig } from '../config.js';
import { HOME_SCRIPT, homePage } from './home-page.js';
import '../auth/session.types.js';

/** The page a newcomer sees after `npm start`. */
@ApiExcludeController()
@Controller()
export class DemoController {
  constructor(
    private readonly config: AppConfig,
    private readonly auth: AuthService,
  ) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async home(@Req() request: FastifyRequest): Promise<string> {
    const commenterId = request.session.commenterId;
    const commenter = commenterId ? await this.auth.findById(commenterId) : null;
    const providers = (['twitter', 'facebook'] as const).filter((p) => this.config[p]);
    return homePage(pickLanguage(request.headers['accept-language']), commenter && toCommenterView(commenter), providers, this.config.emulator);
  }

  @Get('home.js')
  @Header('content-type', 'application/javascript; charset=utf-8')
  @Header('cache-control', 'public, max-age=300')
  script(): string {
    return HOME_SCRIPT;
  }
}
