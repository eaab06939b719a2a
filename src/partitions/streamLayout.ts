import { partitionTags } from './partitionTags';

/**
 * Every Redis key (and pub/sub channel) the library uses is laid out here. Each takes what it needs
 * of a stream's definition, so that this module depends on no other.
 */

/** Suffix of a partition's dead-letter stream, which `deadLetterKeyOf` puts in the partition's slot: `<key>:{<key>}:dlq`, or `<key>:dlq` for a key with a hash tag. */
export const DEAD_LETTER_SUFFIX = ':dlq';

/** What a key layout needs of a stream's definition. */
export interface StreamNaming {
  readonly name: string;
  readonly partitions: number;
}

/** The key of an unpartitioned stream, or the base of a partitioned one's keys: `<prefix><name>`. */
export function streamKeyOf(prefix: string, stream: Pick<StreamNaming, 'name'>): string {
  return prefix + stream.name;
}

/**
 * The Redis keys of a stream's partitions: `<prefix><name>` for a single partition (the layout of
 * unpartitioned streams), `<prefix><name>:{<tag>}` for each of N > 1.
 */
export function partitionKeys(prefix: string, stream: StreamNaming): readonly string[] {
  const base = streamKeyOf(prefix, stream);
  if (stream.partitions === 1) return [base];
  return partitionTags(stream.partitions).map((tag) => `${base}:{${tag}}`);
}

/** The pub/sub channel of a broadcast stream: `<prefix><name>`. */
export function channelOf(prefix: string, broadcast: Pick<StreamNaming, 'name'>): string {
  return prefix + broadcast.name;
}

/**
 * The dead-letter stream of a partition's key, in the same cluster slot (entries move between them
 * atomically): `<key>:dlq` when the key has a hash tag (`<prefix><name>:{<tag>}:dlq`), else
 * `<key>:{<key>}:dlq`, whose hash tag is the stream's key.
 */
export function deadLetterKeyOf(key: string): string {
  return sideKeyOf(key, DEAD_LETTER_SUFFIX);
}

/** The lease of a partition for a group's ordered consumers, in the partition's slot: `<key>:lease:<group>` (hash-tagged like the dead-letter key). */
export function leaseKeyOf(key: string, group: string): string {
  return sideKeyOf(key, `:lease:${group}`);
}

/** The membership set of a group's ordered consumers of a stream: `<prefix><name>:{<prefix><name>}:members:<group>`. */
export function membersKeyOf(prefix: string, stream: Pick<StreamNaming, 'name'>, group: string): string {
  return sideKeyOf(streamKeyOf(prefix, stream), `:members:${group}`);
}

/**
 * Where the append script remembers one producer's recent calls to a partition (sequence number →
 * the ids it gave), in the partition's slot: `<key>:producer:<producerId>` (hash-tagged like the
 * dead-letter key). Expires a while after the producer's last call.
 */
export function producerKeyOf(key: string, producer: string): string {
  return sideKeyOf(key, `:producer:${producer}`);
}

/**
 * The record of one idempotency key of a partition (the id of the entry produced with it), in the
 * partition's slot: `<key>:idem:<idempotencyKey>` (hash-tagged like the dead-letter key). Expires with
 * the stream's idempotency window.
 */
export function idempotencyKeyOf(key: string, idempotencyKey: string): string {
  return sideKeyOf(key, `:idem:${idempotencyKey}`);
}

/** The keys that hold a partition's scheduled events, in the partition's slot (hash-tagged like the dead-letter key). */
export interface ScheduledKeys {
  /** The partition's stream, where due events are appended. */
  readonly stream: string;
  /** A sorted set: each waiting event's schedule id, scored by its due time (ms since the epoch): `<key>:scheduled`. */
  readonly due: string;
  /** A hash: each waiting event's schedule id → its stored entry: `<key>:scheduled:entries`. */
  readonly entries: string;
  /**
   * A stream of wakes: an entry is appended when an event is scheduled earlier than every other of the
   * partition, and the consumers read it with their partitions (`<key>:scheduled:wake`, at most
   * {@link SCHEDULE_WAKES_KEPT} entries).
   */
  readonly wake: string;
}

/** Most entries a partition's wake stream keeps (the schedule trims it exactly): a reader needs only the newest. */
export const SCHEDULE_WAKES_KEPT = 16;

/** Where a partition's scheduled events wait until they are appended to `key`. */
export function scheduledKeysOf(key: string): ScheduledKeys {
  return { stream: key, due: sideKeyOf(key, ':scheduled'), entries: sideKeyOf(key, ':scheduled:entries'), wake: scheduleWakeKeyOf(key) };
}

/**
 * The stream that wakes the movers of a partition's scheduled events: `<key>:scheduled:wake`, in the
 * partition's slot, so that a consumer's one blocking read covers it with the partition.
 */
export function scheduleWakeKeyOf(key: string): string {
  return sideKeyOf(key, ':scheduled:wake');
}

/** A key next to `key` in its cluster slot; names cannot hold braces, so it cannot be any stream's key. */
function sideKeyOf(key: string, suffix: string): string {
  return key.includes('{') ? key + suffix : `${key}:{${key}}${suffix}`;
}
