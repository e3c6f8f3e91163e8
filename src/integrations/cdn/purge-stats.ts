import { Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { AppConfig } from '../../config.js';
import { registerComputedMetric } from '../../metrics/exposition.js';
import { InjectRedis } from '../../redis/redis.module.js';

/** sent: a purge the CDN accepted; failed: an attempt that did not (retried); abandoned: the last attempt failed too. */
export const PURGE_OUTCOMES = ['sent', 'failed', 'abandoned'] as const;
export type PurgeOutcomeName = (typeof PURGE_OUTCOMES)[number];

/**
 * Purges counted in one Redis hash: they are sent by the workers, the scrape reaches one API
 * process (as DecisionStats). Best effort: with Redis away an attempt goes uncounted.
 */
@Injectable()
export class CdnPurgeStats {
  private readonly log = new Logger(CdnPurgeStats.name);
  private readonly key: string;
  private readonly enabled: boolean;

  constructor(config: AppConfig, @InjectRedis() private readonly redis: Redis) {
    this.key = `${config.queuePrefix}:metrics:cdn-purge`;
    this.enabled = Boolean(config.cdn);
  }

  record(outcome: PurgeOutcomeName): void {
    this.redis.hincrby(this.key, outcome, 1).catch((err: Error) => this.log.debug({ err }, 'CDN purge not counted (Redis unavailable)'));
  }

  /** Only with CDN_PURGE_URL: a service without a CDN shows no such metric. */
  register(registry: Registry): void {
    if (!this.enabled) return;
    registerComputedMetric(registry, {
      name: 'comments_cdn_purges_total',
      help: 'Purge requests to the CDN (CDN_PURGE_URL), by outcome: sent (accepted), failed (an attempt that was refused or got no answer; retried), abandoned (the last attempt failed); all workers',
      type: 'counter',
      values: async (name) => {
        const hash = await this.redis.hgetall(this.key);
        return PURGE_OUTCOMES.map((outcome) => ({ metricName: name, labels: { outcome }, value: Number(hash[outcome] ?? 0) }));
      },
    });
  }
}
