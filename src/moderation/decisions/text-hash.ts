import { createHash } from 'node:crypto';

/** The stored form of a text's duplicate key (rules/normalise.ts dedupeKey): comments.text_hash, which the duplicate rules look up. */
export function dedupeHash(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 32);
}
