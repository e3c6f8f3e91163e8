import type { Redis } from 'ioredis';
import { createRedis } from './redis.module.js';

export interface SubscriptionHandlers {
  onMessage(message: string): void;
  /** Each time the subscription (re)starts; `again` after an outage, when messages may have been missed. */
  onSubscribed?(again: boolean): void;
  onError(err: Error): void;
}

/**
 * A channel heard on a connection of its own (a subscribed connection can do nothing else),
 * subscribed again after every reconnection. Returns the connection, to disconnect on shutdown.
 */
export function subscribe(redisUrl: string, connectionName: string, channel: string, handlers: SubscriptionHandlers): Redis {
  const subscriber = createRedis(redisUrl, connectionName);
  subscriber.on('error', () => undefined);
  let subscribedBefore = false;
  subscriber.on('ready', () => {
    subscriber.subscribe(channel).then(() => {
      handlers.onSubscribed?.(subscribedBefore);
      subscribedBefore = true;
    }, handlers.onError);
  });
  subscriber.on('message', (_channel: string, message: string) => handlers.onMessage(message));
  return subscriber;
}
