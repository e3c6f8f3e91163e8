import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Controller, Get, Header, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { pickLanguage } from '../common/language.js';
import { AppError } from '../errors.js';
import { dashboardPage } from './dashboard-page.js';

/** Built by `npm run build` (src/build-web.mjs); the same path from src/ (tests) and dist/. */
const PUBLIC_DIR = new URL('../../dist/public/', import.meta.url);

interface Asset {
  body: Buffer;
  etag: string;
}

function loadAsset(name: string): Asset | null {
  try {
    const body = readFileSync(new URL(name, PUBLIC_DIR));
    return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` };
  } catch {
    return null;
  }
}

/** The moderator dashboard: one HTML shell and its two static files, all from this service. */
@ApiExcludeController()
@Controller('moderation')
export class DashboardController {
  private readonly assets = { js: loadAsset('dashboard.js'), css: loadAsset('dashboard.css') };

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Header('referrer-policy', 'same-origin')
  page(@Req() request: FastifyRequest): string {
    return dashboardPage(pickLanguage(request.headers['accept-language']), this.assets.js?.etag.slice(1, 9) ?? '0');
  }

  @Get('dashboard.js')
  script(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.send(this.assets.js, 'application/javascript; charset=utf-8', request, reply);
  }

  @Get('dashboard.css')
  style(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.send(this.assets.css, 'text/css; charset=utf-8', request, reply);
  }

  private async send(asset: Asset | null, type: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!asset) throw new AppError('NOT_FOUND', 404, 'Dashboard files are missing: run npm run build');
    void reply.header('etag', asset.etag).header('cache-control', 'public, max-age=300');
    if (request.headers['if-none-match'] === asset.etag) {
      await reply.code(304).send();
      return;
    }
    await reply.type(type).send(asset.body);
  }
}
