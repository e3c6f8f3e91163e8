import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { enabledProviders } from '../auth/providers.js';
import { ownOrigin } from '../auth/trusted-origin.js';
import { acceptArticleId } from '../comments/comment-text.js';
import { acceptsGzip } from '../common/compression.js';
import type { Lang } from '../common/language.js';
import { AppConfig } from '../config.js';
import { AppError } from '../errors.js';
import { EmbedOrigins } from './embed-origins.js';
import { WidgetAssets, type Asset } from './widget-assets.js';
import { refusalPage, widgetPage } from './widget-page.js';

/** Theme values become CSS custom properties: colours and font names only, nothing that could load a URL. */
const THEME_KEYS = ['accent', 'text', 'muted', 'background', 'font'] as const;
const COLOUR = /^(#[0-9a-f]{3,8}|(rgb|hsl)a?\([\d\s.,%/]+\)|[a-z]{3,20})$/i;
const FONT = /^[\w\s"',-]{1,120}$/;

function text(value: unknown, max: number): string | null {
  return typeof value === 'string' && value.length > 0 ? value.slice(0, max) : null;
}

@ApiTags('widget')
@Controller()
export class WidgetController {
  constructor(
    private readonly config: AppConfig,
    private readonly assets: WidgetAssets,
    private readonly origins: EmbedOrigins,
  ) {}

  @Get('embed.js')
  @ApiOperation({ summary: 'The loader a news site adds to its article pages' })
  @ApiOkResponse({ description: 'JavaScript' })
  embed(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    // A stable URL on every site's pages: cached briefly, revalidated by ETag.
    return this.send(request, reply, this.assets.get('embed.js'), 'public, max-age=300, stale-while-revalidate=3600');
  }

  @Get('count.js')
  @ApiOperation({ summary: "The script a news site adds to its index pages: fills every [data-comment-count] with the article's comment count" })
  @ApiOkResponse({ description: 'JavaScript' })
  count(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.send(request, reply, this.assets.get('count.js'), 'public, max-age=300, stale-while-revalidate=3600');
  }

  @Get('widget/widget.js')
  @ApiExcludeEndpoint()
  script(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.send(request, reply, this.assets.get('widget.js'), 'public, max-age=31536000, immutable');
  }

  @Get('widget/widget.css')
  @ApiExcludeEndpoint()
  style(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.send(request, reply, this.assets.get('widget.css'), 'public, max-age=31536000, immutable');
  }

  @Get('widget')
  @ApiOperation({ summary: 'The comment box page that embed.js puts in an iframe; only ALLOWED_ORIGINS (and the service) may frame it' })
  @ApiQuery({ name: 'articleId', required: true })
  @ApiQuery({ name: 'host', required: false, description: "The embedding page's origin (set by embed.js)" })
  @ApiQuery({ name: 'lang', required: false, description: 'ko or en' })
  @ApiQuery({ name: 'url', required: false })
  @ApiQuery({ name: 'title', required: false })
  @ApiOkResponse({ description: 'HTML' })
  @ApiForbiddenResponse({ description: 'HTML refusal: the host is not in ALLOWED_ORIGINS' })
  async widget(@Query() query: Record<string, unknown>, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const lang: Lang = query.lang === 'ko' ? 'ko' : 'en';
    const self = ownOrigin(request, this.config);
    const host = typeof query.host === 'string' && query.host ? query.host.replace(/\/$/, '') : self;
    const ancestors = this.origins.ancestors(request);
    void reply
      .header('content-security-policy', this.csp(ancestors))
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8');
    reply.removeHeader('x-frame-options');
    if (!ancestors.includes(host)) {
      // Kept for direct iframe loads (and old cached copies of embed.js), which skip GET /api/embed/check.
      this.origins.refused(host);
      await reply.code(403).send(refusalPage(lang));
      return;
    }
    if (typeof query.articleId !== 'string') throw new AppError('VALIDATION_FAILED', 400, 'articleId is required', { field: 'articleId' });
    const articleUrl = text(query.url, 2000);
    const theme: Record<string, string> = {};
    for (const key of THEME_KEYS) {
      const value = text(query[`theme-${key}`], 120);
      if (value && (key === 'font' ? FONT : COLOUR).test(value)) theme[key] = value;
    }
    const html = widgetPage(
      {
        articleId: acceptArticleId(query.articleId),
        articleUrl: articleUrl && /^https?:\/\//i.test(articleUrl) && URL.canParse(articleUrl) ? articleUrl : null,
        articleTitle: text(query.title, 300),
        lang,
        host,
        origin: self,
        policyUrl: this.config.commentPolicyUrl,
        providers: enabledProviders(this.config).map(({ id, name, signInUrl }) => (id === 'sso' ? { id, name, loginUrl: signInUrl } : { id, name })),
        theme,
      },
      {
        css: `/widget/widget.css?v=${this.assets.get('widget.css').hash}`,
        js: `/widget/widget.js?v=${this.assets.get('widget.js').hash}`,
      },
    );
    await reply.send(html);
  }

  /**
   * Replaces helmet's page-wide policy (frame-ancestors 'none') for the widget only. In development
   * the sign-in emulator serves a reader's picture at the address they signed in at, which may be
   * another loopback name than this box's (see ownOrigin), or PUBLIC_URL.
   */
  private csp(ancestors: string[]): string {
    const images = this.config.isProduction ? '' : ` ${this.config.publicOrigin} http://localhost:* http://127.0.0.1:*`;
    return [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      `img-src 'self' data: https:${images}`,
      "connect-src 'self'",
      "form-action 'self'",
      "base-uri 'none'",
      "object-src 'none'",
      `frame-ancestors ${ancestors.join(' ')}`,
    ].join('; ');
  }

  private async send(request: FastifyRequest, reply: FastifyReply, asset: Asset, cacheControl: string): Promise<void> {
    const etag = `"${asset.hash}"`;
    void reply.header('etag', etag).header('cache-control', cacheControl).header('vary', 'accept-encoding').type(asset.type);
    // Other sites load embed.js: it must not be refused by their Cross-Origin-Embedder/Resource policies.
    void reply.header('cross-origin-resource-policy', 'cross-origin');
    if (request.headers['if-none-match'] === etag) {
      await reply.code(304).send();
      return;
    }
    const gzip = acceptsGzip(request);
    if (gzip) void reply.header('content-encoding', 'gzip');
    await reply.send(gzip ? asset.gzip : asset.body);
  }
}
