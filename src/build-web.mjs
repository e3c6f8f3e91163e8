// Bundles the browser code (the embed loader, the widget, the moderator dashboard) into dist/public.
// Every `src/<domain>/client/<name>.entry.ts` becomes dist/public/<name>.js; `<name>.css` next to it is
// copied (minified) too. Browser code imports shared modules such as comments/comment-length.ts directly.
import { build } from 'esbuild';
import { readdirSync, existsSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = dirname(fileURLToPath(import.meta.url));
const out = join(src, '..', 'dist', 'public');
mkdirSync(out, { recursive: true });

const entryPoints = {};
for (const domain of readdirSync(src, { withFileTypes: true })) {
  const clientDir = join(src, domain.name, 'client');
  if (!domain.isDirectory() || !existsSync(clientDir)) continue;
  for (const file of readdirSync(clientDir)) {
    const match = /^(.+)\.entry\.ts$/.exec(file) ?? /^(.+)\.css$/.exec(file);
    if (match) entryPoints[match[1] + (file.endsWith('.css') ? '.css' : '')] = join(clientDir, file);
  }
}

if (Object.keys(entryPoints).length > 0) {
  await build({
    entryPoints: Object.entries(entryPoints).map(([name, input]) => ({ in: input, out: name.replace(/\.css$/, '') })),
    outdir: out,
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020', 'chrome90', 'firefox90', 'safari14.1'], // esbuild cannot lower destructuring for Safari 14.0
    legalComments: 'none',
    logLevel: 'warning',
  });
}
