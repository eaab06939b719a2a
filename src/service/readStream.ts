import { decodeEntry } from '../codec/entryCodec';
import type { EventStream } from '../definitions/eventStream';
import { idTime, parseStreamId } from '../internal/streamId';
import type { StreamAdmin } from '../transport/StreamTransport';

/** Options of `EventService.read`. */
export interface ReadOptions {
  /** Read the entries after this entry id (exclusive), such as a `Last-Event-ID`. Default `0-0`: from the first entry. */
  readonly after?: string;
  /** At most this many entries (1 to 10,000). Default 100. */
  readonly count?: number;
}

/** One entry of an event stream read without a group: nothing to ack. */
export interface StreamEntry<T> {
  /** The stream entry id, such as `1700000000000-0`. */
  readonly id: string;
  /** The decoded value. */
  readonly value: T;
  /** The partition key stored with the entry, if the stream has a key selector. */
  readonly key: string | undefined;
  /** When the broker accepted the entry (from its id). */
  readonly producedAt: Date;
}

/** A page of `EventService.read`. */
export interface ReadPage<T> {
  /** The entries, oldest first (entries that cannot be decoded are left out and reported to `onError`). */
  readonly entries: StreamEntry<T>[];
  /** Where the next page starts (its `after`): the last entry read, skipped ones included, or `after` when nothing was read. */
  readonly next: string;
}

/** Largest page `read` accepts. */
const MAX_READ_COUNT = 10_000;

/**
 * Reads one page of `key` after `options.after`, decoded; an entry that cannot be decoded is
 * skipped and handed to `report` (a consumer group dead-letters it).
 */
export async function readStream<T>(transport: StreamAdmin, stream: EventStream<T>, key: string, options: ReadOptions, report: (error: unknown) => void): Promise<ReadPage<T>> {
  const after = options.after ?? '0-0';
  const count = options.count ?? 100;
  if (typeof after !== 'string' || !parseStreamId(after)) throw new TypeError(`rx-redis-events: read needs an entry id such as 1700000000000-0 as "after", got ${JSON.stringify(after)}`);
  if (!Number.isInteger(count) || count < 1 || count > MAX_READ_COUNT) throw new RangeError(`rx-redis-events: read count must be an integer from 1 to ${MAX_READ_COUNT}, got ${String(count)}`);
  const entries: StreamEntry<T>[] = [];
  let next = after;
  for (const entry of await transport.readAfter(key, after, count)) {
    next = entry.id;
    try {
      const { value, key: partitionKey } = decodeEntry<T>(stream.name, entry.id, entry.fields, stream.codec);
      entries.push({ id: entry.id, value, key: partitionKey, producedAt: idTime(entry.id) });
    } catch (error) {
      report(error);
    }
  }
  return { entries, next };
}
