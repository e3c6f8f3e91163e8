/**
 * The background of a reader's initial when they have no picture: chosen by their id, so two
 * readers with the same initial usually differ, and one reader keeps one colour everywhere.
 */

/** Every colour has at least 4.5:1 contrast with the white initial on it (WCAG AA; checked by the unit test). */
export const AVATAR_COLORS = [
  '#b3261e', '#c2185b', '#8e24aa', '#5e35b1', '#3949ab', '#1565c0',
  '#00695c', '#2e7d32', '#8d6e00', '#00838f', '#6d4c41', '#546e7a',
] as const;

/** FNV-1a (32 bits) of the id: stable across page loads and browsers, and spreads similar ids apart. */
function hash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function avatarColor(id: string): string {
  return AVATAR_COLORS[hash(id) % AVATAR_COLORS.length]!;
}
