import type { Observable } from 'rxjs';
import type { EntryFields } from '../codec/entryFields';
import type { ConnectionState, HealthWarning } from '../health/ServiceHealth';
import type { StreamSnapshot } from './StreamSnapshot';

/** An entry as stored: its id and fields. */
export interface StoredEntry {
  readonly id: string;
  readonly fields: EntryFields;
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

/** One step of {@link StreamTransport.claimIdle}'s walk over a group's pending list. */
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

/** Limits {@link StreamTransport.trim} applies. */
export interface TrimLimits {
  /** Keep at most this many entries. */
  readonly maxLength?: number;
  /** Remove entries added before this time (ms since the epoch). */
  readonly minTimestampMs?: number;
  /** Apply the limits even to entries a group has not read or acked yet. */
  readonly unsafe: boolean;
}

/**
 * A blocking reader of new entries for one consumer of one group. On Redis it owns a connection,
 * because a blocking `XREADGROUP` occupies the connection it runs on.
 */
export interface StreamReader {
  /**
   * **Cold**: each subscription reads up to `count` entries never delivered to the group, waiting up
   * to `blockMs` for some; emits `[]` on timeout, interrupt or close. In memory it emits synchronously
   * when the entries are there (or the moment they are appended), which keeps virtual time exact.
   */
  read(count: number, blockMs: number): Observable<ReadEntry[]>;
  /** Makes the pending (or else the next) `read` resolve `[]` now. */
  interrupt(): void;
  /** Releases the reader; a pending `read` resolves `[]`. Idempotent. */
  close(): void;
}

/** A server of the store: a host name or IP address and port, or a Unix socket path without port. */
export interface ServerAddress {
  readonly address: string;
  readonly port?: number;
}

/**
 * The seam between the library and a persistent stream store (Redis Streams, or memory).
 * Keys are full keys (prefix included). Every method fails with a `TransportError` on broker failure.
 * What the consumer loop waits for is a cold Observable, which the memory transport answers
 * synchronously (so a whole service runs in virtual time); the rest are promises.
 */
export interface StreamTransport {
  /** Whether every operation takes effect before the call returns (memory): acks need no coalescing, produce no timeout. */
  readonly synchronous: boolean;
  /** The server the commands on `key` go to, for tracing (`server.address`, `server.port`); only on a network store, `undefined` while unknown. */
  serverOf?(key: string): ServerAddress | undefined;
  /** Creates the group (and the stream) unless it exists. */
  ensureGroup(key: string, group: string, start: GroupStart): Observable<void>;
  /**
   * Appends entries in order and resolves with their ids once the store has them all. A call the
   * transport sends again is applied once (by `request.producer`'s sequence); an entry whose
   * idempotency record exists is not appended, and answers the record's id.
   */
  append(key: string, entries: readonly EntryFields[], request: AppendRequest): Promise<string[]>;
  /** Opens a blocking reader for `consumer` of `group`. */
  openReader(key: string, group: string, consumer: string): StreamReader;
  /** Acknowledges entries for the group; unknown or already acked ids are ignored. */
  ack(key: string, group: string, ids: readonly string[]): Promise<void>;
  /** Takes over this consumer's own pending entries (left by an earlier run under the same name), counting a new delivery. */
  claimOwn(key: string, group: string, consumer: string, count: number): Observable<ReadEntry[]>;
  /** One step of a walk over the group's pending list: takes over entries idle for `minIdleMs` (other consumers', or this one's whose read reply was lost) that it is not holding. */
  claimIdle(key: string, group: string, consumer: string, request: ClaimIdleRequest): Observable<ClaimIdleResult>;
  /** Takes back the given ids for redelivery to `consumer`, counting a new delivery: only those still pending for it (not acked, not taken over). */
  claimIds(key: string, group: string, consumer: string, ids: readonly string[]): Observable<ReadEntry[]>;
  /** Marks pending entries of `consumer` as idle for `idleMs` without counting a delivery (they were read but never handed out). */
  markIdle(key: string, group: string, consumer: string, ids: readonly string[], idleMs: number): Promise<void>;
  /**
   * Renews the lease of entries `consumer` is holding: those of `ids` still pending for it become idle
   * for 0 ms again, without counting a delivery (others' and acked ones are left alone); resolves with
   * how many were renewed.
   */
  renew(key: string, group: string, consumer: string, ids: readonly string[]): Promise<number>;
  /** Removes each of `consumers` from the group if it holds no pending entry (checked and removed atomically); resolves with the names that held nothing (removed, or not in the group). */
  removeConsumers(key: string, group: string, consumers: readonly string[]): Promise<string[]>;
  /** Removes the group's consumers that hold no pending entry and have been idle for more than `idleMs`, except `keep` (atomically); resolves with the names removed. */
  expireConsumers(key: string, group: string, idleMs: number, keep: readonly string[]): Promise<string[]>;
  /** Atomically copies a pending entry to `deadLetterKey` (with `info`) and acks it; false when it is no longer pending. */
  deadLetter(key: string, deadLetterKey: string, group: string, id: string, info: DeadLetterInfo): Promise<boolean>;
  /** Reads entries after `after` (exclusive; `0-0` for the first), oldest first, at most `count`, without a group (`XRANGE`): nothing is created, delivered or acked. */
  readAfter(key: string, after: string, count: number): Promise<StoredEntry[]>;
  /** The id of the stream's last entry, `undefined` when the stream is missing or empty (`XREVRANGE + - COUNT 1`). */
  lastId(key: string): Promise<string | undefined>;
  /** Reads the dead-letter stream, oldest first, at most `count` entries. */
  readDeadLetters(deadLetterKey: string, count: number): Promise<StoredEntry[]>;
  /** Atomically moves one dead letter back to its source stream; resolves with the new id, or undefined when there is nothing to redrive. */
  redrive(key: string, deadLetterKey: string, id: string): Promise<string | undefined>;
  /** Trims the stream by `limits`, never (unless `unsafe`) below what some group has not read or acked; resolves with the number removed. */
  trim(key: string, limits: TrimLimits): Promise<number>;
  /** The stream's length, first and last ids, groups (consumers, pending, lag) and dead-letter count; a missing stream describes as empty. */
  describe(key: string, deadLetterKey: string): Promise<StreamSnapshot>;
  /**
   * Registers `member` in the membership set at `membersKey` for `ttlMs` (by the store's clock), drops
   * members whose time ran out, and resolves with the live members, sorted.
   */
  heartbeat(membersKey: string, member: string, ttlMs: number): Promise<string[]>;
  /** Removes `member` from the membership set at once. */
  leave(membersKey: string, member: string): Promise<void>;
  /** Takes the lease at `leaseKey` for `owner` for `ttlMs` if it is free or already `owner`'s (then it is renewed); resolves whether `owner` holds it. */
  acquireLease(leaseKey: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `owner` holds it. */
  releaseLease(leaseKey: string, owner: string): Promise<void>;
  /** The state of the command connection now. */
  connectionState(): ConnectionState;
  /** Reads the server's settings that matter for data safety (persistence, eviction, version) as warnings. */
  serverWarnings(): Promise<HealthWarning[]>;
  /** Releases connections this transport opened. */
  close(): Promise<void>;
  /**
   * Capability of a store with replicas (Redis): how many replicas have what this transport just
   * appended to each of `keys` (the fewest over the servers holding them), waiting at most
   * `timeoutMs` for `replicas` of them. Call it right after the appends resolved. Absent in memory.
   */
  confirmReplicas?(keys: readonly string[], replicas: number, timeoutMs: number): Promise<number>;
}
