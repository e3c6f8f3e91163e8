import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { CdnHeaders } from './cache-headers.js';
import { CdnPurgeQueue } from './purge.queue.js';
import { CdnPurgeStats } from './purge-stats.js';
import { CdnPurgeWorker } from './purge.worker.js';

/**
 * A CDN in front of the public lists: their cache headers, the purges every process queues when an
 * article's public comments change; with `worker`, the `cdn-purge` queue's consumer.
 */
@Module({})
export class CdnModule {
  static register(options: { worker: boolean }): DynamicModule {
    const providers: Provider[] = [CdnHeaders, CdnPurgeQueue, CdnPurgeStats];
    if (options.worker) providers.push(CdnPurgeWorker);
    return { module: CdnModule, global: true, providers, exports: [CdnHeaders, CdnPurgeStats, CdnPurgeQueue] };
  }
}
