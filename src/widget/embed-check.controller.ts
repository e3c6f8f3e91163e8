import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EmbedOrigins } from './embed-origins.js';
import { REFUSAL } from './widget-page.js';
import { EmbedCheckDto } from './widget.dto.js';

/**
 * Asked by embed.js before it creates the iframe: a refused site would otherwise see the browser's
 * blocked-frame box (frame-ancestors blocks the refusal page too) instead of a sentence.
 */
@ApiTags('widget')
@Controller('api/embed')
export class EmbedCheckController {
  constructor(private readonly origins: EmbedOrigins) {}

  @Get('check')
  @ApiOperation({ summary: "Whether the calling page's origin (its Origin header) may show the comment box; readable from any site" })
  @ApiHeader({ name: 'Origin', required: false, description: 'Set by the browser; without it (same-origin, non-browser) the answer is allowed' })
  @ApiOkResponse({ type: EmbedCheckDto })
  async check(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const origin = request.headers.origin;
    const allowed = !origin || this.origins.allows(origin, request);
    if (!allowed) this.origins.refused(origin);
    const answer: EmbedCheckDto = allowed ? { allowed } : { allowed, message: REFUSAL };
    await reply
      .header('access-control-allow-origin', '*')
      .header('vary', 'origin')
      // Briefly: a site just added to ALLOWED_ORIGINS waits at most this long.
      .header('cache-control', 'public, max-age=60')
      .send(answer);
  }
}
