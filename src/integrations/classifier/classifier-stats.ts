import { Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { AppConfig } from '../../config.js';
import { histogramSamples, registerComputedMetric } from '../../metrics/exposition.js';
import { InjectRedis } from '../../redis/redis.module.js';
import type { ClassifierResult } from './answer.js';

const OUTCOMES = ['ok', 'timeout', 'error', 'malformed'] as const;
/** Seconds a call took: a local model answers in milliseconds, the default timeout is 0.5 s. */
export const CALL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Calls to the outside classifier, counted in one Redis hash (the calls happen in the workers, the
 * scrape reaches one API process; as DecisionStats). A worker batch's calls go in one MULTI.
 * Best effort: with Redis away a call goes uncounted.
 */
@Injectable()
export class ClassifierStats {
  private readonly log = new Logger(ClassifierStats.name);
  private readonly key: string;
  private pending?: Map<string, number>;

  constructor(config: AppConfig, @InjectRedis() private readonly redis: Redis) {
    this.key = `${config.queuePrefix}:metrics:external-moderation`;
  }

  record(outcome: ClassifierResult['outcome'], seconds: number): void {
    if (!this.pending) {
      this.pending = new Map();
      setImmediate(() => this.flush());
    }
    const add = (field: string, n: number) => this.pending!.set(field, (this.pending!.get(field) ?? 0) + n);
    add(`outcome|${outcome}`, 1);
    const bucket = CALL_BUCKETS.findIndex((le) => seconds <= le);
    add(`le|${bucket === -1 ? '+Inf' : CALL_BUCKETS[bucket]}`, 1);
    add('sum', seconds);
  }

  private flush(): void {
    const fields = this.pending!;
    this.pending = undefined;
    const multi = this.redis.multi();
    for (const [field, n] of fields) {
      if (field === 'sum') multi.hincrbyfloat(this.key, field, n);
      else multi.hincrby(this.key, field, n);
    }
    multi.exec().catch((err: Error) => this.log.debug({ err }, 'classifier calls not counted (Redis unavailable)'));
  }

  register(registry: Registry): void {
    const read = () => this.redis.hgetall(this.key);
    registerComputedMetric(registry, {
      name: 'comments_external_moderation_total',
      help: 'Calls to the outside classifier (EXTERNAL_MODERATION_URL), by outcome: ok, timeout, error (connection, HTTP status), malformed (not a valid answer, or too big); all workers',
      type: 'counter',
      values: async (name) => {
        const hash = await read();
        return OUTCOMES.map((outcome) => ({ metricName: name, labels: { outcome }, value: Number(hash[`outcome|${outcome}`] ?? 0) }));
      },
    });
    registerComputedMetric(registry, {
      name: 'comments_external_moderation_seconds',
      help: 'Time a call to the outside classifier took, whatever its outcome; all workers',
      type: 'histogram',
      values: async (name) => {
        const hash = await read();
        let running = 0;
        const cumulative = CALL_BUCKETS.map((le) => (running += Number(hash[`le|${le}`] ?? 0)));
        const count = running + Number(hash['le|+Inf'] ?? 0);
        return histogramSamples(name, {}, CALL_BUCKETS, cumulative, Number(hash.sum ?? 0), count);
      },
    });
  }
}
