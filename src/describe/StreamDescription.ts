import type { RetentionOptions } from '../definitions/eventStream';

/** One consumer of a group: see {@link GroupDescription.consumers}. */
export interface ConsumerDescription {
  /** The consumer's name on the broker: `<consumer>#<n>` for this library's consumers. */
  readonly name: string;
  /** Entries delivered to it and not acked yet. */
  readonly pending: number;
  /** Milliseconds since it last read or claimed (the broker's `idle`). */
  readonly idleMs: number;
}

/** One consumer group (micro-service) of a stream: see {@link StreamDescription.groups}. */
export interface GroupDescription {
  /** The group's name (the `group` option of its services). */
  readonly name: string;
  /** Consumers that ever read or claimed in the group, with what each holds. Consumers of stopped subscriptions stay listed. */
  readonly consumers: readonly ConsumerDescription[];
  /** Entries delivered to the group and not acked yet (nor dead-lettered). */
  readonly pending: number;
  /**
   * Entries of the stream not yet delivered to the group. On Redis this is `XINFO GROUPS`' `lag`;
   * when Redis cannot tell (entries deleted in the part the group has not read), the entries after
   * {@link GroupDescription.lastDeliveredId} are counted, up to 10,000, and `undefined` beyond.
   */
  readonly lag: number | undefined;
  /** The id of the last entry delivered to the group; `0-0` before the first. */
  readonly lastDeliveredId: string;
  /** The oldest pending entry's id, if any is pending. */
  readonly oldestPendingId: string | undefined;
  /** How long ago the oldest pending entry was produced (its id's time against the service's clock), in ms; `undefined` when nothing is pending. */
  readonly oldestPendingAgeMs: number | undefined;
  /** Dead letters of this group in the stream's dead-letter stream; `undefined` when it holds more than 10,000 letters (they are not counted per group). */
  readonly deadLetters: number | undefined;
}

/** The figures of one partition of a stream: its own key, length, ids and groups. */
export interface PartitionDescription {
  /** The partition's broker key (prefix included). */
  readonly key: string;
  /** Entries in the partition. */
  readonly length: number;
  /** The id of its first entry, if it has any. */
  readonly firstId: string | undefined;
  /** The id of its last entry, if it has any. */
  readonly lastId: string | undefined;
  /** Its groups, with their consumers. */
  readonly groups: readonly GroupDescription[];
  /** Events scheduled for it (`schedule`) and still waiting. */
  readonly scheduled: number;
  /** When its first waiting scheduled event is due, by the broker's clock; `undefined` when none waits. */
  readonly nextDueAt: Date | undefined;
}

/**
 * What `EventService.describe(stream)` reports: the stream's size, its groups and how far behind
 * each is, who holds what, and how many dead letters it has.
 *
 * An unpartitioned stream has one element in `partitions`, the stream itself, and the
 * top-level figures equal it. A partitioned stream has one element
 * per partition and the top-level figures are summed over them (lengths, pending, lag and dead letters
 * added up; consumers listed once per partition they appear in; `firstId`/`lastId` the smallest and
 * largest). Read the top level for totals and `partitions` for per-partition detail.
 */
export interface StreamDescription {
  /** The stream's name (without the prefix). */
  readonly stream: string;
  /** Entries in the stream (summed over partitions). */
  readonly length: number;
  /** The id of the first entry, if there is any. */
  readonly firstId: string | undefined;
  /** The id of the last entry, if there is any. */
  readonly lastId: string | undefined;
  /** The retention limits of the stream's definition, if any. */
  readonly retention: RetentionOptions | undefined;
  /** Entries in the stream's dead-letter stream (`<prefix><stream>:dlq`), every group's. */
  readonly deadLetters: number;
  /** Every group that consumes the stream (summed over partitions). A stream that does not exist has none. */
  readonly groups: readonly GroupDescription[];
  /** Scheduled events still waiting (summed over partitions). */
  readonly scheduled: number;
  /** When the first waiting scheduled event is due (the earliest over partitions); `undefined` when none waits. */
  readonly nextDueAt: Date | undefined;
  /** One element per partition; one today, the stream itself. */
  readonly partitions: readonly PartitionDescription[];
}
