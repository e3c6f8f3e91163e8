import { ApiExcludeController } from '@nestjs/swagger';
import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { createHash } from 'node:crypto';
import { escapeHtml } from '../../common/html.js';

function initials(screenName: string): string {
  const parts = screenName.split(/[_\s-]+/).filter(Boolean);
  return parts
    .slice(0, 2)
    .map((part) => [...part][0].toUpperCase())
    .join('');
}

export function avatarSvg(screenName: string): string {
  const hue = createHash('sha256').update(screenName).digest().readUInt16BE(0) % 360;
  const text = escapeHtml(initials(screenName) || '?');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200" viewBox="0 0 200 200" role="img" aria-label="${escapeHtml(screenName)}">` +
    `<circle cx="100" cy="100" r="100" fill="hsl(${hue},55%,45%)"/>` +
    `<text x="100" y="100" dy=".35em" text-anchor="middle" font-family="system-ui,-apple-system,'Segoe UI','Apple SD Gothic Neo','Malgun Gothic',sans-serif" font-size="80" font-weight="600" fill="#fff">${text}</text>` +
    `</svg>\n`;
}

/** Serves the emulated users' profile pictures. */
@ApiExcludeController()
@Controller('_emulator/avatar')
export class AvatarController {
  @Get(':file')
  avatar(@Param('file') file: string, @Res() reply: FastifyReply): void {
    const screenName = typeof file === 'string' && file.endsWith('.svg') ? file.slice(0, -4) : '';
    if (!screenName || [...screenName].length > 60) {
      reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('Not Found');
      return;
    }
    reply
      .code(200)
      .header('content-type', 'image/svg+xml')
      .header('cache-control', 'public, max-age=86400')
      // Opened directly, an SVG is a document: it must not be able to run anything.
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .header('x-content-type-options', 'nosniff')
      .send(avatarSvg(screenName));
  }
}
