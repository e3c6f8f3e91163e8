import { v7 as uuidv7 } from 'uuid';
import { toLiveEvents } from '../src/dashboard/live-events.js';
import { uuidv7Time } from '../src/metrics/decision-stats.js';

const base = { type: 'comment.changed' as const, articleId: 'a1', commentId: 'c1' };

describe('what a dashboard hears of a comment event', () => {
  test('held by the rules: a new item in review', () => {
    expect(toLiveEvents({ ...base, from: 'pending', to: 'in_review', actor: 'rules', reason: 'suspect_word' })).toEqual([
      { event: 'item', data: { commentId: 'c1', articleId: 'a1', queue: 'review' } },
    ]);
  });

  test('published by the rules: nothing but counts (the bulk of traffic)', () => {
    expect(toLiveEvents({ ...base, from: 'pending', to: 'published', actor: 'rules' })).toEqual([]);
  });

  test("a moderator's decision, with who and why", () => {
    expect(toLiveEvents({ ...base, from: 'in_review', to: 'rejected', actor: 'moderator', actorId: 'm1', reason: 'spam' })).toEqual([
      { event: 'decision', data: { commentId: 'c1', articleId: 'a1', from: 'in_review', to: 'rejected', actor: 'moderator', moderatorId: 'm1', reason: 'spam' } },
    ]);
  });

  test('a report past the threshold: a new item in reported', () => {
    expect(toLiveEvents({ type: 'comment.reported', articleId: 'a1', commentId: 'c1', reportCount: 3, hidden: false })).toEqual([
      { event: 'item', data: { commentId: 'c1', articleId: 'a1', queue: 'reported' } },
    ]);
  });

  test('unknown event types are ignored', () => {
    expect(toLiveEvents({ type: 'something.else' })).toEqual([]);
  });
});

describe('uuidv7Time', () => {
  test('reads the submission time out of a comment id', () => {
    const before = Date.now();
    const at = uuidv7Time(uuidv7())!.getTime();
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now());
  });

  test('null for anything that is not a v7 UUID', () => {
    expect(uuidv7Time('0b2c3f4e-1d2a-4b5c-8d9e-0f1a2b3c4d5e')).toBeNull();
    expect(uuidv7Time('nope')).toBeNull();
  });
});
