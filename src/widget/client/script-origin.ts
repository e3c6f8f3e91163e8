/**
 * The origin the calling script (embed.js, count.js) was loaded from: the comment service's, to
 * which it talks. `currentScript` is null in some async cases, so it is also looked up by `src`.
 */
export function scriptOrigin(src: RegExp): string | null {
  const script = (document.currentScript as HTMLScriptElement | null) ?? Array.from(document.scripts).find((s) => src.test(s.src));
  return script?.src ? new URL(script.src).origin : null;
}
