import type { Logger } from '@nestjs/common';
import { Worker, type Processor, type WorkerOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { AppConfig } from '../config.js';
import { closeRedis, within } from './redis.module.js';

export type QueueWorkerOptions = Pick<WorkerOptions, 'concurrency' | 'lockDuration' | 'stalledInterval' | 'maxStalledCount'>;

/**
 * A BullMQ worker of one of the side queues (accounts, mail, webhooks, CDN purges) on a connection
 * of its own (a worker blocks on it; BullMQ wants no retry limit there). The moderation worker has
 * its own, whose shutdown waits for its lock duration.
 */
export class QueueWorker<Data, Result, Name extends string> {
  readonly worker: Worker<Data, Result, Name>;
  private readonly connection: Redis;

  constructor(config: AppConfig, queue: string, processor: Processor<Data, Result, Name>, options: QueueWorkerOptions, log: Logger) {
    this.connection = new Redis(config.redisUrl, { connectionName: `comments-${queue}-worker`, maxRetriesPerRequest: null });
    this.connection.on('error', () => undefined);
    this.worker = new Worker<Data, Result, Name>(queue, processor, { connection: this.connection, prefix: config.queuePrefix, ...options });
    this.worker.on('error', (err) => log.debug({ err }, `${queue} worker connection error`));
  }

  /**
   * SIGTERM: stop taking jobs; the ones in flight get 10 s. With Redis gone they could never report
   * back: closed at once, their locks expire and another worker takes them up.
   */
  async close(): Promise<void> {
    const redisUp = this.connection.status === 'ready';
    await within(this.worker.close(!redisUp), redisUp ? 10_000 : 1000);
    await closeRedis(this.connection);
  }
}
