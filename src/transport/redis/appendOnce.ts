import type { EntryFields } from '../../codec/entryFields';
import type { AppendRequest } from '../StreamTransport';
import type { RedisClient } from './connect';
import { APPEND_CHUNK, APPEND_SOURCE, appendCalls, PRODUCER_MEMORY_CALLS, PRODUCER_MEMORY_MS } from './scripts/append';

/**
 * The one way the Redis transport appends: every call of at most {@link APPEND_CHUNK} entries is one
 * `EVAL` of {@link APPEND_SOURCE} (several are pipelined) that applies once. A call without
 * idempotency keys carries the producer's memory key and a sequence number drawn here, so whatever
 * sends the same command again (ioredis after a reconnect, with `autoResendUnfulfilledCommands`; a
 * cluster client after `MOVED`, `ASK`, `TRYAGAIN`, `CLUSTERDOWN` or a lost node connection) gets the
 * first ids back and appends nothing. A keyed call carries one idempotency record per entry instead.
 * (Redis 8.6's `XADD ... IDMP` would be a fast path here, and only here.)
 *
 * Resolves with the ids in the order of `entries`; rejects with the first failed call's error.
 */
export async function appendOnce(client: RedisClient, key: string, entries: readonly EntryFields[], request: AppendRequest): Promise<string[]> {
  const { idempotency, producer } = request;
  // each call: its number of keys, then the keys and arguments of EVAL
  const calls = appendCalls(entries).map((args, index): [number, ...(string | number)[]] => {
    if (!idempotency) return [2, key, producer.memoryKey, 'p', producer.nextSequence(), PRODUCER_MEMORY_MS, PRODUCER_MEMORY_CALLS, ...args];
    const records = idempotency.recordKeys.slice(index * APPEND_CHUNK, (index + 1) * APPEND_CHUNK);
    return [1 + records.length, key, ...records, 'k', Math.ceil(idempotency.windowMs), ...args];
  });
  if (calls.length === 1) return (await client.eval(APPEND_SOURCE, ...(calls[0] as [number, ...(string | number)[]]))) as string[];
  const pipeline = client.pipeline();
  for (const call of calls) pipeline.eval(APPEND_SOURCE, ...call);
  const replies = (await pipeline.exec()) ?? [];
  const ids: string[] = [];
  for (const [error, reply] of replies) {
    if (error) throw error;
    for (const id of reply as string[]) ids.push(id);
  }
  return ids;
}
