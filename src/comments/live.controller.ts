import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorDto } from '../auth/auth.dto.js';
import { openEventStream } from '../common/event-stream.js';
import { StreamSlots } from '../common/stream-slots.js';
import { AppError } from '../errors.js';
import { CommentStream, type StreamEvent, type StreamListener } from './comment-stream.js';
import { acceptArticleId } from './comment-text.js';

const HEARTBEAT_MS = 25_000;

@ApiTags('comments')
@Controller('api')
export class LiveController {
  constructor(
    private readonly stream: CommentStream,
    private readonly slots: StreamSlots,
  ) {}

  @Get('articles/:articleId/events')
  @ApiOperation({
    summary: 'Server-sent events: `published` (a comment\'s public fields and the new total) and `removed` (id and total)',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'An endless text/event-stream' })
  @ApiTooManyRequestsResponse({ type: ErrorDto, description: 'RATE_LIMITED: this address holds SSE_MAX_PER_CLIENT streams already (Retry-After)' })
  async events(@Param('articleId') articleId: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const id = acceptArticleId(articleId);
    if (!this.stream.hasRoom()) {
      throw new AppError('SERVICE_UNAVAILABLE', 503, 'Too many live connections; the list still works without them', {}, { 'retry-after': '30' });
    }
    const slot = await this.slots.take(request.ip);
    reply.hijack();
    const events = openEventStream(reply.raw, {
      headers: { 'x-request-id': String(request.id) },
      heartbeatMs: HEARTBEAT_MS,
      onClose: () => {
        this.stream.remove(id, listener);
        slot.release();
      },
    });
    const listener: StreamListener = { send: (event: StreamEvent) => events.send(event.type, event), end: () => events.end() };
    this.stream.add(id, listener);
  }
}
