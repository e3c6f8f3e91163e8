const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/u;
const INVISIBLE_ALL = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu;

export interface VisibleText {
  text: string;
  /** Original span of visible unit i; null when nothing was invisible (same offsets). */
  start: Int32Array | null;
  end: Int32Array | null;
}

/**
 * The text with invisible characters (zero-width, bidi controls, variation selectors, soft hyphens …)
 * removed, for the rules that look at the text as written (links, personal information, shouting,
 * flooding), so hiding them costs an evader nothing. Offsets map back to the original.
 */
export function visibleText(body: string): VisibleText {
  if (!INVISIBLE.test(body)) return { text: body, start: null, end: null };
  const start = new Int32Array(body.length);
  const end = new Int32Array(body.length);
  let text = '';
  let n = 0;
  let last = 0;
  for (const m of body.matchAll(INVISIBLE_ALL)) {
    for (let i = last; i < m.index; i++) {
      start[n] = i;
      end[n++] = i + 1;
    }
    text += body.slice(last, m.index);
    last = m.index + m[0].length;
  }
  for (let i = last; i < body.length; i++) {
    start[n] = i;
    end[n++] = i + 1;
  }
  text += body.slice(last);
  return { text, start: start.subarray(0, n), end: end.subarray(0, n) };
}
