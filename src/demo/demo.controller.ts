import { Controller, Get, Header, Query, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { sameHost } from '../auth/emulator/emulator.credentials.js';
import { ownOrigin } from '../auth/trusted-origin.js';
import { AppConfig } from '../config.js';
import { articlePage, standardsPage } from './article-page.js';

/** What a newcomer sees after `npm start`: a news article with the comment widget, embedded as a news site would. */
@ApiExcludeController()
@Controller()
export class DemoController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  home(@Query('lang') lang: string | undefined, @Req() request: FastifyRequest): string {
    // Opened at 127.0.0.1 or a LAN address in development, the page embeds the widget from there (see ownOrigin).
    const self = ownOrigin(request, this.config);
    const serviceUrl = self === this.config.publicOrigin ? this.config.publicUrl : self;
    return articlePage({
      serviceUrl,
      lang: lang === 'ko' || lang === 'en' ? lang : null,
      emulator: this.config.emulator,
      apiDocs: this.config.apiDocs,
      publicUrlNeeded: this.signsInAt(self) ? null : { current: this.config.publicUrl, needed: self },
    });
  }

  /**
   * Sign-in comes back to the address it started at. The emulator accepts that when it is PUBLIC_URL's
   * host or both are loopback names; real providers only know the callback URLs under PUBLIC_URL.
   */
  private signsInAt(origin: string): boolean {
    if (origin === this.config.publicOrigin) return true;
    return this.config.emulator && sameHost(new URL(origin).hostname, new URL(this.config.publicOrigin).hostname);
  }
}

/** The default COMMENT_POLICY_URL, so it stays whether or not the demo article is on. */
@ApiExcludeController()
@Controller()
export class StandardsController {
  constructor(private readonly config: AppConfig) {}

  @Get('standards')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'public, max-age=300')
  standards(): string {
    return standardsPage({ demoPage: this.config.demoPage });
  }
}
