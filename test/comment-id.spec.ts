import { validate, version } from 'uuid';
import { newCommentId } from '../src/comments/comment-id.js';
import { uuidv7Time } from '../src/metrics/decision-stats.js';

describe('comment ids', () => {
  test('UUIDv7, unique and increasing within the process, many per millisecond, with the current time', () => {
    const before = Date.now();
    const ids = Array.from({ length: 5000 }, () => newCommentId()); // more than one pool fill, mostly within a few ms
    const after = Date.now();
    for (const id of ids) {
      expect(validate(id) && version(id) === 7).toBe(true);
    }
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    const first = uuidv7Time(ids[0]!)!.getTime();
    expect(first).toBeGreaterThanOrEqual(before);
    expect(uuidv7Time(ids[ids.length - 1]!)!.getTime()).toBeLessThanOrEqual(after + 1);
    // The random tail differs even between ids of the same millisecond.
    expect(new Set(ids.map((id) => id.slice(-12))).size).toBe(ids.length);
  });
});
