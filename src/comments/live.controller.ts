import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { CommentStream, type StreamEvent, type StreamListener } from './comment-stream.js';
import { acceptArticleId } from './comment-text.js';

const HEARTBEAT_MS = 25_000;

@ApiTags('comments')
@Controller('api')
export class LiveController {
  constructor(private readonly stream: CommentStream) {}

  @Get('articles/:articleId/events')
  @ApiOperation({
    summary: 'Server-sent events: `published` (a comment\'s public fields and the new total) and `removed` (id and total)',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'An endless text/event-stream' })
  events(@Param('articleId') articleId: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const id = acceptArticleId(articleId);
    const raw = reply.raw;
    const listener: StreamListener = {
      send: (event: StreamEvent) => {
        raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      },
      end: () => raw.end(),
    };
    if (!this.stream.add(id, listener)) {
      throw new AppError('SERVICE_UNAVAILABLE', 503, 'Too many live connections; the list still works without them', {}, { 'retry-after': '30' });
    }
    reply.hijack();
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no', // nginx: do not buffer the stream
      'x-request-id': String(request.id),
    });
    raw.write('retry: 3000\n: connected\n\n');
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const close = () => {
      clearInterval(heartbeat);
      this.stream.remove(id, listener);
    };
    request.raw.on('close', close);
    raw.on('error', close);
  }
}
