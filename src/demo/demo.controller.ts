import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
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
  home(@Query('lang') lang: string | undefined): string {
    return articlePage({
      publicUrl: this.config.publicUrl,
      lang: lang === 'ko' || lang === 'en' ? lang : null,
      emulator: this.config.emulator,
      apiDocs: this.config.apiDocs,
    });
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
