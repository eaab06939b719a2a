import type { EntryFields } from '../codec/entryCodec';

/** An entry as stored: its id and fields. */
export interface StoredEntry {
  readonly id: string;
  readonly fields: EntryFields;
}

/** An entry handed to a consumer, with how many times it has been delivered (this time included). */
export interface ReadEntry extends StoredEntry {
  readonly deliveryCount: number;
}

/** Where a group that does not exist yet starts reading: only new entries, or the whole stream. */
export type GroupStart = 'new' | 'start';

/** Which pending entries {@link StreamTransport.claimIdle} takes over. */
export interface ClaimIdleRequest {
  /** Only entries pending for at least this long. */
  readonly minIdleMs: number;
  /** At most this many entries. */
  readonly count: number;
  /** `others`: entries pending for other consumers of the group; `self`: this consumer's own. */
  readonly owner: 'others' | 'self';
}

/**
 * A blocking reader of new entries for one consumer of one group. On Redis it owns a connection,
 * because a blocking `XREADGROUP` occupies the connection it runs on.
 */
export interface StreamReader {
  /** Reads up to `count` entries never delivered to the group; waits up to `blockMs` for some. Resolves `[]` on timeout, interrupt or close. */
  read(count: number, blockMs: number): Promise<ReadEntry[]>;
  /** Makes the pending (or else the next) `read` resolve `[]` now. */
  interrupt(): void;
  /** Releases the reader; a pending `read` resolves `[]`. Idempotent. */
  close(): void;
}

/**
 * The seam between the library and a persistent stream store (Redis Streams, or memory).
 * Keys are full keys (prefix included). Every method rejects with a `TransportError` on broker failure.
 */
export interface StreamTransport {
  /** Creates the group (and the stream) unless it exists. */
  ensureGroup(key: string, group: string, start: GroupStart): Promise<void>;
  /** Appends entries in order and resolves with their ids once the store has them all. */
  append(key: string, entries: readonly EntryFields[]): Promise<string[]>;
  /** Opens a blocking reader for `consumer` of `group`. */
  openReader(key: string, group: string, consumer: string): StreamReader;
  /** Acknowledges entries for the group; unknown or already acked ids are ignored. */
  ack(key: string, group: string, ids: readonly string[]): Promise<void>;
  /** Takes over pending entries that have been idle for `minIdleMs` and returns them with their new delivery counts. */
  claimIdle(key: string, group: string, consumer: string, request: ClaimIdleRequest): Promise<ReadEntry[]>;
  /** Re-assigns the given pending ids to `consumer` (counting a new delivery) and returns the entries that are still pending. */
  claimIds(key: string, group: string, consumer: string, ids: readonly string[]): Promise<StoredEntry[]>;
  /** Releases connections this transport opened. */
  close(): Promise<void>;
}
