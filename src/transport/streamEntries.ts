import type { EntryFields } from '../codec/entryCodec';

// The values that cross the stream seam (`StreamTransport` and its capabilities): entries as stored and
// as delivered, and what appends, claims, dead-lettering and trims are asked to do.

/** An entry as stored: its id and fields. */
export interface StoredEntry {
  readonly id: string;
  readonly fields: EntryFields;
}

/** The ids of one stream to acknowledge in an `ack` call. */
export interface AckBatch {
  readonly key: string;
  readonly ids: readonly string[];
}

/** An entry handed to a consumer, with how many times it has been delivered (this time included). */
export interface ReadEntry extends StoredEntry {
  readonly deliveryCount: number;
}

/**
 * Who makes an append, so that a call the transport sends again (a client's resend after a reconnect,
 * a retry after a redirection) is applied once.
 */
export interface AppendProducer {
  /** Where the store remembers this producer's recent calls to the stream key (a key in the same slot). */
  readonly memoryKey: string;
  /** The next sequence number of this producer for the stream key; the transport draws one per call it sends. */
  nextSequence(): number;
}

/** The idempotency keys of an append's entries: an entry whose record exists is not appended again. */
export interface AppendIdempotency {
  /** One record key per entry (in the stream key's slot), in the order of the entries. */
  readonly recordKeys: readonly string[];
  /** How long a record lasts, in ms. */
  readonly windowMs: number;
}

/** How an append is made once. */
export interface AppendRequest {
  readonly producer: AppendProducer;
  /** Present when every entry has an idempotency key (then the records, not the producer's memory, deduplicate). */
  readonly idempotency?: AppendIdempotency;
}

/** Where a group that does not exist yet starts reading: only new entries, or the whole stream. */
export type GroupStart = 'new' | 'start';

/** A position in a stream after a given entry id (exclusive): the group reads the entries after it. */
export interface AfterId {
  readonly afterId: string;
}

/** Where a group is created (`ensureGroup`): where a {@link GroupStart} says, or after an id. */
export type GroupStartAt = GroupStart | AfterId;

/** Where an existing group is moved to (`GroupAdmin.moveGroup`): before the first entry, after the last one, or after an id. */
export type GroupMove = 'start' | 'end' | AfterId;

/** One step of `PendingClaims.claimIdle`'s walk over a group's pending list. */
export interface ClaimIdleRequest {
  /** Only entries pending for at least this long. */
  readonly minIdleMs: number;
  /** At most this many entries. */
  readonly count: number;
  /** Where the walk goes on: `0-0` to start from the oldest pending entry. */
  readonly cursor: string;
  /** Ids this consumer is holding (with a handler, or waiting for redelivery): not taken, even when idle... */
  readonly holding: readonly string[];
  /** ...unless delivered this many times already: then whoever finds it idle takes it (and dead-letters it). */
  readonly maxDeliveries: number;
}

/** What one step of the walk took over, and where the next step goes on (`0-0`: the walk is complete). */
export interface ClaimIdleResult {
  readonly entries: ReadEntry[];
  readonly cursor: string;
}

/** Why and how an entry is moved to the dead-letter stream. */
export interface DeadLetterInfo {
  readonly reason: string;
  readonly error: string;
  readonly deliveryCount: number;
}

/** Limits `StreamAdmin.trim` applies. */
export interface TrimLimits {
  /** Keep at most this many entries. */
  readonly maxLength?: number;
  /** Remove entries added before this time (ms since the epoch). */
  readonly minTimestampMs?: number;
  /** Apply the limits even to entries a group has not read or acked yet. */
  readonly unsafe: boolean;
}

/** A server of the store: a host name or IP address and port, or a Unix socket path without port. */
export interface ServerAddress {
  readonly address: string;
  readonly port?: number;
}
