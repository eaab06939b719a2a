import type { Redis } from 'ioredis';
import superjson from 'superjson';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeEvents, type BenchEvent } from './payload';

/**
 * The hand-written baselines: what a user would write with ioredis and superjson alone, against
 * the same stream layout as the library (one field `v` holding the superjson-encoded value).
 */

/** Appends `events` with one pipelined `XADD` per event (`superjson.stringify`); resolves once all are written. */
export async function pipelinedXadd(redis: Redis, key: string, events: readonly BenchEvent[]): Promise<void> {
  const pipeline = redis.pipeline();
  for (const event of events) pipeline.xadd(key, '*', 'v', superjson.stringify(event));
  const results = (await pipeline.exec()) ?? [];
  for (const [error] of results) if (error) throw error;
}

/**
 * Fills `key` with `count` entries in pipelines of 1000, a few in flight at once (setup, not measured).
 * It cycles through 1000 distinct pre-encoded events, so the fill is bound by Redis, not by the encoder;
 * consumers still decode every entry.
 */
export async function fillBacklog(redis: Redis, key: string, count: number): Promise<void> {
  const encoded = makeEvents(1000).map((event) => superjson.stringify(event));
  const chunk = encoded.length;
  const inFlight = 4;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const size = Math.min(chunk, count - next);
      next += size;
      const pipeline = redis.pipeline();
      for (let index = 0; index < size; index++) pipeline.xadd(key, '*', 'v', encoded[index] as string);
      const results = (await pipeline.exec()) ?? [];
      for (const [error] of results) if (error) throw error;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

type RawReply = [key: string, entries: [id: string, fields: string[]][]][] | null;

/** The entries of a single-stream `XREADGROUP` reply, as ids and decoded values. */
export function decodeReadReply(reply: unknown): { ids: string[]; values: BenchEvent[] } {
  const entries = (reply as RawReply)?.[0]?.[1] ?? [];
  const ids: string[] = [];
  const values: BenchEvent[] = [];
  for (const [id, fields] of entries) {
    ids.push(id);
    values.push(superjson.parse<BenchEvent>(fields[1] as string));
  }
  return { ids, values };
}

/** `XGROUP CREATE key group <start> MKSTREAM`. */
export async function createGroup(redis: Redis, key: string, group: string, start: '0' | '$'): Promise<void> {
  await redis.xgroup('CREATE', key, group, start, 'MKSTREAM');
}

/**
 * The hand-written consumer loop: `XREADGROUP COUNT 1000 [BLOCK blockMs]`, `superjson.parse`, the
 * handler for each value (awaited when it returns a promise), then one `XACK` for the batch.
 * Runs until `done()` says so after a batch, or the connection is closed.
 */
export async function readAckLoop(
  redis: Redis,
  key: string,
  group: string,
  handle: (value: BenchEvent) => void | Promise<void>,
  done: () => boolean,
  blockMs?: number,
): Promise<void> {
  const read = () =>
    blockMs === undefined
      ? redis.xreadgroup('GROUP', group, 'hand-1', 'COUNT', 1000, 'STREAMS', key, '>')
      : redis.xreadgroup('GROUP', group, 'hand-1', 'COUNT', 1000, 'BLOCK', blockMs, 'STREAMS', key, '>');
  while (!done()) {
    let reply: unknown;
    try {
      reply = await read();
    } catch (error) {
      if (done() || redis.status !== 'ready') return; // stopped by closing the connection
      throw error;
    }
    const { ids, values } = decodeReadReply(reply);
    for (const value of values) {
      const handled = handle(value);
      if (handled) await handled;
    }
    if (ids.length > 0) await redis.xack(key, group, ...ids);
  }
}

/** The number of entries pending (read and not acked) for `group`. */
export async function pendingCount(redis: Redis, key: string, group: string): Promise<number> {
  const summary = (await redis.xpending(key, group)) as [number, ...unknown[]];
  return Number(summary[0]);
}

/** Polls `check` every `intervalMs` until it returns true; throws after `timeoutMs`. */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 2): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/**
 * The hand-written consume → produce → ack loop: `XREADGROUP COUNT 1000` on `source`, `superjson.parse`,
 * one pipelined `XADD` per event to `target` (`superjson.stringify`), then one `XACK` for the batch.
 * Deduplicates nothing: a crash between the `XADD`s and the `XACK` writes the batch again.
 * Runs until `done()` says so after a batch.
 */
export async function forwardLoop(redis: Redis, source: string, group: string, target: string, onForwarded: (count: number) => void, done: () => boolean): Promise<void> {
  while (!done()) {
    const reply = await redis.xreadgroup('GROUP', group, 'hand-1', 'COUNT', 1000, 'BLOCK', 100, 'STREAMS', source, '>');
    const { ids, values } = decodeReadReply(reply);
    if (ids.length === 0) continue;
    await pipelinedXadd(redis, target, values);
    await redis.xack(source, group, ...ids);
    onForwarded(ids.length);
  }
}
