import type { RedisClient } from './connect';
import type { ConsumerSnapshot, GroupSnapshot, StreamSnapshot } from '../StreamSnapshot';

/** Most entries counted with `XRANGE` for a group whose lag Redis does not know; beyond that the lag is `undefined`. */
export const LAG_COUNT_LIMIT = 10_000;
const PAGE = 1000;

type Flat = readonly unknown[];
type PipelineReply = [Error | null, unknown][];

/** A flat `[name, value, name, value...]` reply as a map. */
function fieldsOf(flat: Flat): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  for (let index = 0; index + 1 < flat.length; index += 2) fields.set(String(flat[index]), flat[index + 1]);
  return fields;
}

function replyOf(replies: PipelineReply, index: number): unknown {
  const [error, reply] = replies[index] ?? [new Error('no reply')];
  if (error) throw error;
  return reply;
}

/**
 * The stream's snapshot from `XINFO STREAM`, `XINFO GROUPS`, `XLEN` of the dead-letter stream, then
 * per group `XINFO CONSUMERS` and the `XPENDING` summary (two round trips). Redis 7's group `lag` is
 * nil after deletions in the unread part of the stream: it is then counted with `XRANGE`, up to
 * {@link LAG_COUNT_LIMIT} entries, and `undefined` beyond.
 */
export async function describeRedisStream(command: RedisClient, key: string, deadLetterKey: string): Promise<StreamSnapshot> {
  const first = (await command.pipeline().xinfo('STREAM', key).xinfo('GROUPS', key).xlen(deadLetterKey).exec()) as PipelineReply;
  const deadLetters = Number(replyOf(first, 2));
  const [streamError] = first[0] ?? [null];
  if (streamError && /no such key/i.test(streamError.message)) return { length: 0, firstId: undefined, lastId: undefined, groups: [], deadLetters };
  const stream = fieldsOf(replyOf(first, 0) as Flat);
  const groupInfos = (replyOf(first, 1) as Flat[]).map(fieldsOf);
  const details = command.pipeline();
  for (const info of groupInfos) details.xinfo('CONSUMERS', key, String(info.get('name'))).xpending(key, String(info.get('name')));
  const replies = groupInfos.length > 0 ? ((await details.exec()) as PipelineReply) : [];
  const groups: GroupSnapshot[] = [];
  for (const [index, info] of groupInfos.entries()) {
    const consumers = (replyOf(replies, 2 * index) as Flat[]).map(fieldsOf).map(toConsumer);
    const summary = replyOf(replies, 2 * index + 1) as [number, string | null, ...unknown[]];
    const lastDeliveredId = String(info.get('last-delivered-id'));
    const lag = info.get('lag');
    groups.push({
      name: String(info.get('name')),
      consumers,
      pending: Number(summary[0]),
      oldestPendingId: summary[1] ?? undefined,
      lag: lag === null || lag === undefined ? await countAfter(command, key, lastDeliveredId) : Number(lag),
      lastDeliveredId,
    });
  }
  return { length: Number(stream.get('length')), firstId: entryId(stream.get('first-entry')), lastId: entryId(stream.get('last-entry')), groups, deadLetters };
}

function toConsumer(fields: Map<string, unknown>): ConsumerSnapshot {
  return { name: String(fields.get('name')), pending: Number(fields.get('pending')), idleMs: Number(fields.get('idle')) };
}

function entryId(entry: unknown): string | undefined {
  return Array.isArray(entry) && typeof entry[0] === 'string' ? entry[0] : undefined;
}

/** Entries after `id`, counted page by page; `undefined` past {@link LAG_COUNT_LIMIT}. */
async function countAfter(command: RedisClient, key: string, id: string): Promise<number | undefined> {
  let count = 0;
  let start = `(${id}`;
  while (count <= LAG_COUNT_LIMIT) {
    const page = (await command.xrange(key, start, '+', 'COUNT', PAGE)) as [string, unknown][];
    count += page.length;
    if (page.length < PAGE) return count;
    start = `(${(page[page.length - 1] as [string, unknown])[0]}`;
  }
  return undefined;
}
