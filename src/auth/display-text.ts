// Invisible and direction-changing characters let a name impersonate another or reorder the page around it.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;

/** A provider-supplied name made safe to show: NFC, no control or bidi characters, bounded length. */
export function cleanDisplayName(raw: unknown, maxLength = 100): string {
  if (typeof raw !== 'string') return '';
  const cleaned = raw.normalize('NFC').replace(UNSAFE, '').replace(/\s+/g, ' ').trim();
  return Array.from(cleaned).slice(0, maxLength).join('').trim();
}

/** Only http(s) avatar URLs, never `javascript:` or `data:`. */
export function cleanAvatarUrl(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length > 1000) return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}
