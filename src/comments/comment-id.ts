import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

const IDS_PER_FILL = 256;
const pool = Buffer.alloc(16 * IDS_PER_FILL);
let offset = pool.length;
let lastMs = -Infinity;
let seq = 0;

/**
 * A comment id: UUIDv7, time-ordered and increasing within this process, as uuid's own v7() makes
 * them. Its random bytes come from a pool filled 256 ids at a time: uuid asks the system for 16
 * bytes per id, which cost about 8 µs per comment under load.
 */
export function newCommentId(): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const random = pool.subarray(offset, (offset += 16));
  const now = Date.now();
  if (now > lastMs) {
    // uuid's own seeding of the per-millisecond counter (31 random bits), then +1 per id.
    seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
    lastMs = now;
  } else {
    seq = (seq + 1) | 0;
    if (seq === 0) lastMs++;
  }
  return v7({ msecs: lastMs, seq, random });
}

/** The id's usual spelling from its 32 hex digits (ids are kept as 16 bytes in cursors and rankings). */
export function uuidFromHex(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
