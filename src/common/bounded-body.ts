/** The answer is larger than the caller would read. */
export class BodyTooLarge extends Error {}
/** The answer is not UTF-8 (only with `fatal`). */
export class BodyNotText extends Error {}

/**
 * A response body read as UTF-8 text, refused beyond `maxBytes` (by Content-Length, or while it
 * arrives: the rest is never read), or with `cut`, its first `maxBytes` only. `fatal`: bytes that
 * are not UTF-8 refuse it too, instead of becoming U+FFFD.
 */
export async function readBoundedText(response: Response, maxBytes: number, { fatal = false, cut = false } = {}): Promise<string> {
  const tooBig = () => new BodyTooLarge(`the answer is larger than ${maxBytes} bytes`);
  if (!cut && Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooBig();
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      if (!cut) throw tooBig();
      chunks.push(value.subarray(0, value.byteLength - (size - maxBytes)));
      break;
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder('utf-8', { fatal }).decode(Buffer.concat(chunks));
  } catch {
    throw new BodyNotText('the answer is not UTF-8 text');
  }
}
