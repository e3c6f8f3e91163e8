import { createServer, type Server } from 'node:http';
import type { Frame, Page } from 'playwright-core';

/** A news site on its own origin: `/article/{id}?lang=` embeds the widget for that article. */
export function newsSite(serviceUrl: string): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [, , id = 'x'] = url.pathname.split('/');
    const lang = url.searchParams.get('lang') ?? 'en';
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${id}</title></head><body><h1>${id}</h1>
<div data-comments data-article-id="${id}" data-lang="${lang}"></div><script src="${serviceUrl}/embed.js" async></script></body></html>`);
  });
}

/** The widget's frame on a news-site page, once the widget says it is ready. */
export async function widgetFrame(page: Page): Promise<Frame> {
  const frame = await (await page.waitForSelector('[data-comments] iframe')).contentFrame();
  if (!frame) throw new Error('no widget frame');
  await frame.waitForFunction(() => document.documentElement.dataset.ready === '1');
  return frame;
}

/** Signs in as `name` through the sign-in emulator's popup, from the composer's Twitter button, as a reader would. */
export async function signInByPopup(page: Page, frame: Frame, name: string): Promise<void> {
  const [popup] = await Promise.all([page.waitForEvent('popup'), frame.click('.cw-composer button[data-provider="twitter"]')]);
  await popup.waitForSelector('#name');
  await popup.fill('#name', name);
  await Promise.all([popup.waitForEvent('close'), popup.click('button.allow')]);
  await frame.waitForSelector('.cw-me');
}
