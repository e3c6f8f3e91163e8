import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Injectable } from '@nestjs/common';
import { gzipOnce } from '../common/compression.js';
import { AppError } from '../errors.js';

export interface Asset {
  body: Buffer;
  gzip: Buffer;
  type: string;
  /** Short content hash: the version in asset URLs and the ETag. */
  hash: string;
}

const TYPES: Record<string, string> = { js: 'application/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

/** dist/public next to the compiled code; from the sources (tests), the built one. */
function publicDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const besideBuild = join(here, '..', 'public');
  return existsSync(besideBuild) ? besideBuild : join(here, '..', '..', 'dist', 'public');
}

/** The bundles built by src/build-web.mjs, read once and kept in memory with their gzip form. */
@Injectable()
export class WidgetAssets {
  private readonly dir = publicDir();
  private readonly cache = new Map<string, Asset>();

  get(name: 'embed.js' | 'count.js' | 'widget.js' | 'widget.css'): Asset {
    let asset = this.cache.get(name);
    if (!asset) {
      const file = join(this.dir, name);
      if (!existsSync(file)) throw new AppError('NOT_FOUND', 404, `${name} is not built: run npm run build`);
      const body = readFileSync(file);
      asset = {
        body,
        gzip: gzipOnce(body),
        type: TYPES[name.split('.').pop()!]!,
        hash: createHash('sha256').update(body).digest('base64url').slice(0, 12),
      };
      this.cache.set(name, asset);
    }
    return asset;
  }
}
