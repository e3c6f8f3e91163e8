import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Repository } from 'typeorm';
import { Comment } from '../comments/comment.entity.js';
import { ModerationQueue } from '../moderation/worker/moderation.queue.js';
import { DecisionStats, WAIT_BUCKETS, type StatsSnapshot } from './decision-stats.js';
import { histogramSamples, registerComputedMetric } from './exposition.js';
import { HttpMetrics } from './http-metrics.js';
import { CdnPurgeStats } from '../integrations/cdn/purge-stats.js';
import { ClassifierStats } from '../integrations/classifier/classifier-stats.js';

const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed'] as const;
const STATUS_COUNT_TTL_MS = 15_000;

/** A value fetched at most once per window, however many metrics read it during one scrape. */
function memo<T>(ttlMs: number, load: () => Promise<T>): () => Promise<T> {
  let cached: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at > ttlMs) {
      const value = load();
      cached = { at: Date.now(), value };
      value.catch(() => (cached = undefined));
    }
    return cached.value;
  };
}

/**
 * The Prometheus registry of this API process. Figures that belong to the whole deployment
 * (queue depth, comments by status, decisions, waiting times, job failures) are read from Redis
 * and the database at scrape time, so every replica reports the same totals; the process metrics
 * (memory, event loop, …) and the HTTP requests it answered are this process's own.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  constructor(
    queue: ModerationQueue,
    stats: DecisionStats,
    @InjectRepository(Comment) comments: Repository<Comment>,
    http: HttpMetrics,
    cdnPurges: CdnPurgeStats,
    classifier: ClassifierStats,
  ) {
    const snapshot = memo<StatsSnapshot>(1000, () => stats.snapshot());
    const byStatus = memo(STATUS_COUNT_TTL_MS, () =>
      comments
        .createQueryBuilder('c')
        .select('c.status', 'status')
        .addSelect('COUNT(*)', 'count')
        .groupBy('c.status')
        .getRawMany<{ status: string; count: string | number }>(),
    );
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'comments_' });

    new Gauge({
      name: 'comments_moderation_queue_jobs',
      help: 'Jobs in the moderation queue (BullMQ), by state',
      labelNames: ['state'],
      registers,
      async collect() {
        const counts = await queue.queue.getJobCounts(...JOB_STATES);
        for (const state of JOB_STATES) this.set({ state }, counts[state] ?? 0);
      },
    });
    new Gauge({
      name: 'comments_by_status',
      help: `Comments by status (pending and in_review are the moderation backlog); counted at most every ${STATUS_COUNT_TTL_MS / 1000} s`,
      labelNames: ['status'],
      registers,
      async collect() {
        this.reset();
        for (const row of await byStatus()) this.set({ status: row.status }, Number(row.count));
      },
    });
    new Counter({
      name: 'comments_moderation_decisions_total',
      help: 'Status changes, by who decided (rules, moderator, system), the reason (rule or moderator reason), the moderator id and the outcome (new status); all processes',
      labelNames: ['actor', 'reason', 'moderator', 'outcome'],
      registers,
      async collect() {
        this.reset();
        for (const { labels, value } of (await snapshot()).decisions) this.inc({ ...labels }, value);
      },
    });
    new Counter({
      name: 'comments_moderation_job_failures_total',
      help: 'Failed attempts of moderation jobs (each is retried with backoff); all workers',
      registers,
      async collect() {
        this.reset();
        this.inc((await snapshot()).jobFailures);
      },
    });
    // prom-client's Histogram only observes locally; this one reports the buckets kept in Redis.
    registerComputedMetric(this.registry, {
      name: 'comments_moderation_decision_wait_seconds',
      help: 'Time from submission to the first decision (published or rejected), by who decided; all processes',
      type: 'histogram',
      values: async (name) =>
        (await snapshot()).waits.flatMap(({ actor, buckets, sum, count }) => histogramSamples(name, { actor }, WAIT_BUCKETS, buckets, sum, count)),
    });
    classifier.register(this.registry);
    cdnPurges.register(this.registry);
    http.register(this.registry, 'comments_');
  }

  contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
