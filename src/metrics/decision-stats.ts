import { Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { CommentStatus } from '../comments/comment.entity.js';
import { AppConfig } from '../config.js';
import type { Actor } from '../moderation/decisions/moderation-log.entity.js';
import { InjectRedis } from '../redis/redis.module.js';

/** Seconds from submission to decision: rules decide in milliseconds, people in minutes or hours. */
export const WAIT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 24 * 3600];

export interface DecisionRecord {
  commentId: string;
  from: CommentStatus;
  to: CommentStatus;
  actor: Actor;
  actorId: string | null;
  reason: string | null;
  /** When the comment was submitted (null: unknown). */
  submittedAt: Date | null;
  decidedAt: Date;
}

export interface DecisionLabels {
  actor: string;
  reason: string;
  moderator: string;
  outcome: string;
}

export interface StatsSnapshot {
  decisions: Array<{ labels: DecisionLabels; value: number }>;
  /** Per actor: cumulative bucket counts (same order as WAIT_BUCKETS), then sum and count. */
  waits: Array<{ actor: string; buckets: number[]; sum: number; count: number }>;
  jobFailures: number;
}

/** Milliseconds since the epoch in a UUIDv7 (comment ids are v7), or null for anything else. */
export function uuidv7Time(id: string): Date | null {
  const hex = id.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex) || hex[12] !== '7') return null;
  return new Date(parseInt(hex.slice(0, 12), 16));
}

/**
 * Decision counters and the waiting-time histogram, kept in Redis hashes (HINCRBY) rather than in
 * process memory: decisions happen in the worker processes and in any API replica, and a scrape of
 * any one API process should see them all. Best effort: with Redis away a decision goes uncounted,
 * it is never delayed or failed by this.
 */
@Injectable()
export class DecisionStats {
  private readonly log = new Logger(DecisionStats.name);
  readonly keys: { decisions: string; waits: string; failures: string };

  constructor(
    config: AppConfig,
    @InjectRedis() private readonly redis: Redis,
  ) {
    const base = `${config.queuePrefix}:metrics`;
    this.keys = { decisions: `${base}:decisions`, waits: `${base}:waits`, failures: `${base}:job-failures` };
  }

  /** Increments gathered in this turn of the event loop: a worker batch's decisions go to Redis in one MULTI. */
  private pending?: { decisions: Map<string, number>; waits: Map<string, number>; waitSums: Map<string, number> };

  record(d: DecisionRecord): void {
    const labels: DecisionLabels = {
      actor: d.actor,
      reason: d.reason ?? '',
      moderator: d.actor === 'moderator' ? (d.actorId ?? '') : '',
      outcome: d.to,
    };
    if (!this.pending) {
      this.pending = { decisions: new Map(), waits: new Map(), waitSums: new Map() };
      setImmediate(() => this.flush());
    }
    const { decisions, waits, waitSums } = this.pending;
    const add = (map: Map<string, number>, key: string, n: number) => map.set(key, (map.get(key) ?? 0) + n);
    add(decisions, JSON.stringify(labels), 1);
    // Waiting time: only for a first decision of a held or new comment, not for later reversals.
    if ((d.from === 'pending' || d.from === 'in_review') && d.to !== 'in_review' && d.to !== 'pending' && d.submittedAt) {
      const seconds = Math.max(0, (d.decidedAt.getTime() - d.submittedAt.getTime()) / 1000);
      const bucket = WAIT_BUCKETS.findIndex((le) => seconds <= le);
      add(waits, `${d.actor}|${bucket === -1 ? '+Inf' : WAIT_BUCKETS[bucket]}`, 1);
      add(waits, `${d.actor}|count`, 1);
      add(waitSums, `${d.actor}|sum`, seconds);
    }
  }

  private flush(): void {
    const { decisions, waits, waitSums } = this.pending!;
    this.pending = undefined;
    const multi = this.redis.multi();
    for (const [field, n] of decisions) multi.hincrby(this.keys.decisions, field, n);
    for (const [field, n] of waits) multi.hincrby(this.keys.waits, field, n);
    for (const [field, seconds] of waitSums) multi.hincrbyfloat(this.keys.waits, field, seconds);
    multi.exec().catch((err: Error) => this.log.debug({ err }, 'decisions not counted (Redis unavailable)'));
  }

  recordJobFailure(): void {
    this.redis.incr(this.keys.failures).catch((err: Error) => this.log.debug({ err }, 'job failure not counted'));
  }

  async snapshot(): Promise<StatsSnapshot> {
    const [decisions, waits, failures] = await Promise.all([
      this.redis.hgetall(this.keys.decisions),
      this.redis.hgetall(this.keys.waits),
      this.redis.get(this.keys.failures),
    ]);
    const byActor = new Map<string, { perBucket: Map<string, number>; sum: number; count: number }>();
    for (const [field, raw] of Object.entries(waits)) {
      const [actor, key] = field.split('|') as [string, string];
      const entry = byActor.get(actor) ?? { perBucket: new Map(), sum: 0, count: 0 };
      byActor.set(actor, entry);
      if (key === 'sum') entry.sum = Number(raw);
      else if (key === 'count') entry.count = Number(raw);
      else entry.perBucket.set(key, Number(raw));
    }
    return {
      decisions: Object.entries(decisions).flatMap(([field, value]) => {
        try {
          return [{ labels: JSON.parse(field) as DecisionLabels, value: Number(value) }];
        } catch {
          return [];
        }
      }),
      waits: [...byActor].map(([actor, { perBucket, sum, count }]) => {
        let running = 0;
        const buckets = WAIT_BUCKETS.map((le) => (running += perBucket.get(String(le)) ?? 0));
        return { actor, buckets, sum, count };
      }),
      jobFailures: Number(failures ?? 0),
    };
  }
}
