import DataLoader from 'dataloader';

/**
 * A lookup by key that concurrent requests share: every key asked for in one turn of the event
 * loop goes to the database in one query (`WHERE id IN (…)`) instead of one round trip each.
 * Nothing is cached: every call sees the database as it is now.
 */
export function batchedLookup<V>(load: (keys: readonly string[]) => Promise<Map<string, V>>): (key: string) => Promise<V | null> {
  const loader = new DataLoader<string, V | null>(
    async (keys) => {
      const found = await load(keys);
      return keys.map((key) => found.get(key) ?? null);
    },
    // setImmediate, not the default microtask: requests read from many sockets in one poll phase
    // all join the batch.
    { cache: false, maxBatchSize: 500, batchScheduleFn: (callback) => setImmediate(callback) },
  );
  return (key) => loader.load(key);
}
