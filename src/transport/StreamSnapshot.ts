/** One consumer of a group, as the broker sees it (`XINFO CONSUMERS`). */
export interface ConsumerSnapshot {
  readonly name: string;
  /** Entries delivered to this consumer and not acked yet. */
  readonly pending: number;
  /** Milliseconds since the consumer last read or claimed. */
  readonly idleMs: number;
}

/** One consumer group of a stream, as the broker sees it (`XINFO GROUPS`, `XPENDING`). */
export interface GroupSnapshot {
  readonly name: string;
  readonly consumers: readonly ConsumerSnapshot[];
  /** Entries delivered to the group and not acked yet. */
  readonly pending: number;
  /** The oldest pending entry's id, when something is pending. */
  readonly oldestPendingId: string | undefined;
  /** Entries of the stream not yet delivered to the group; `undefined` when the broker cannot tell cheaply. */
  readonly lag: number | undefined;
  /** The id of the last entry delivered to the group (`0-0` before the first). */
  readonly lastDeliveredId: string;
}

/** A stream and its groups at one moment, as the broker sees them; a missing stream has length 0 and no groups. */
export interface StreamSnapshot {
  readonly length: number;
  readonly firstId: string | undefined;
  readonly lastId: string | undefined;
  readonly groups: readonly GroupSnapshot[];
  /** Entries of the dead-letter stream. */
  readonly deadLetters: number;
}
