import type { EntryFields } from '../../codec/entryFields';
import type { AppendRequest } from '../StreamTransport';
import type { RedisClient } from './connect';
import { APPEND_CHUNK, APPEND_ONE_SOURCE, APPEND_SOURCE, appendCalls, PRODUCER_MEMORY_CALLS, PRODUCER_MEMORY_MS } from './scripts/append';

/**
 * The one way the Redis transport appends: every call of at most {@link APPEND_CHUNK} entries is one
 * `EVAL` of {@link APPEND_SOURCE} (several are pipelined) that applies once. A call without
 * idempotency keys carries the producer's memory key and a sequence number drawn here, so whatever
 * sends the same command again (ioredis after a reconnect, with `autoResendUnfulfilledCommands`; a
 * cluster client after `MOVED`, `ASK`, `TRYAGAIN`, `CLUSTERDOWN` or a lost node connection) gets the
 * first ids back and appends nothing (a call of one entry runs the short {@link APPEND_ONE_SOURCE}). A
 * keyed call carries one idempotency record per entry instead.
 * (Redis 8.6's `XADD ... IDMP` would be a fast path here, and only here.)
 *
 * Resolves with the ids in the order of `entries`; rejects with the first failed call's error.
 */
export function appendOnce(client: RedisClient, key: string, entries: readonly EntryFields[], request: AppendRequest): Promise<string[]> {
  const { idempotency, producer } = request;
  // the produce of one event: its command's own promise, without async wrappers around it
  if (!idempotency && entries.length === 1) return appendOne(client, key, entries[0] as EntryFields, producer.memoryKey, producer.nextSequence());
  return appendCallsOf(client, key, entries, request);
}

/** {@link appendOnce} of several entries, or of entries with idempotency keys. */
async function appendCallsOf(client: RedisClient, key: string, entries: readonly EntryFields[], request: AppendRequest): Promise<string[]> {
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

/** A producer's call of one entry: {@link APPEND_ONE_SOURCE} with the entry's fields in their order. */
function appendOne(client: RedisClient, key: string, fields: EntryFields, memoryKey: string, sequence: number): Promise<string[]> {
  const args: (string | number)[] = [2, key, memoryKey, sequence, PRODUCER_MEMORY_MS, PRODUCER_MEMORY_CALLS];
  for (const name in fields) args.push(name, fields[name] as string);
  if (args.length === 6) return Promise.reject(new TypeError('rx-redis-events: a stream entry needs at least one field'));
  return client.eval(APPEND_ONE_SOURCE, ...(args as [number, ...(string | number)[]])) as Promise<string[]>;
}
