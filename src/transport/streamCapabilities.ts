import type { Observable } from 'rxjs';
import type { ScheduledEntries } from './scheduledEntries';
import type { StreamSnapshot } from './StreamSnapshot';
import type { ClaimIdleRequest, ClaimIdleResult, GroupMove, ReadEntry, ServerAddress, StoredEntry, TrimLimits } from './streamEntries';

/*
 * What a stream backend can do beyond what every consumer needs (`StreamTransport`). Each capability is
 * a small interface; a backend lists those it has in `StreamTransport.capabilities`, and the code that
 * uses one looks it up there once. Redis has every capability; memory every one but replicas and
 * servers. Like the core, what the consumer loop and its timers wait for is a cold Observable (memory
 * answers on subscription, so a service runs in virtual time); the rest are promises.
 */

/**
 * Keeps entries a consumer is handling from going idle, so that no other consumer's claim walk takes
 * them over. Without it a long handler's entry can be taken over once it is idle for `claimIdleAfterMs`.
 */
export interface EntryRenewal {
  /**
   * **Cold**: renews the lease of entries `consumer` is holding: those of `ids` still pending for it become
   * idle for 0 ms again, without counting a delivery (others' and acked ones are left alone); emits how
   * many were renewed.
   */
  renew(key: string, group: string, consumer: string, ids: readonly string[]): Observable<number>;
}

/**
 * Takes over pending entries: a consumer's own after a restart under the same name, and those other
 * consumers left idle (they died, or their read reply was lost). Without it the backend must redeliver
 * un-acked entries itself (as a broker with ack deadlines does): the loop makes no claim walk.
 */
export interface PendingClaims {
  /** **Cold**: takes over this consumer's own pending entries (left by an earlier run under the same name), counting a new delivery. */
  claimOwn(key: string, group: string, consumer: string, count: number): Observable<ReadEntry[]>;
  /** **Cold**: one step of a walk over the group's pending list: takes over entries idle for `minIdleMs` (other consumers', or this one's whose read reply was lost) that it is not holding. */
  claimIdle(key: string, group: string, consumer: string, request: ClaimIdleRequest): Observable<ClaimIdleResult>;
  /** **Cold**: marks pending entries of `consumer` as idle for `idleMs` without counting a delivery (they were read but never handed out). */
  markIdle(key: string, group: string, consumer: string, ids: readonly string[], idleMs: number): Observable<void>;
}

/** Removes consumers that hold nothing from a group, so that instances that are gone do not pile up in it. */
export interface ConsumerHygiene {
  /** **Cold**: removes each of `consumers` from the group if it holds no pending entry (checked and removed atomically); emits the names that held nothing (removed, or not in the group). */
  removeConsumers(key: string, group: string, consumers: readonly string[]): Observable<string[]>;
  /** **Cold**: removes the group's consumers that hold no pending entry and have been idle for more than `idleMs`, except `keep` (atomically); emits the names removed. */
  expireConsumers(key: string, group: string, idleMs: number, keep: readonly string[]): Observable<string[]>;
}

/** Reads and maintains streams outside any group: what `describe`, `read`, `lastId`, `trim`, `deadLetters` and `redrive` of a service need. */
export interface StreamAdmin {
  /** The stream's length, first and last ids, groups (consumers, pending, lag) and dead-letter count; a missing stream describes as empty. */
  describe(key: string, deadLetterKey: string): Promise<StreamSnapshot>;
  /** Reads entries after `after` (exclusive; `0-0` for the first), oldest first, at most `count`, without a group (`XRANGE`): nothing is created, delivered or acked. */
  readAfter(key: string, after: string, count: number): Promise<StoredEntry[]>;
  /** The id of the stream's last entry, `undefined` when the stream is missing or empty (`XREVRANGE + - COUNT 1`). */
  lastId(key: string): Promise<string | undefined>;
  /** Trims the stream by `limits`, never (unless `unsafe`) below what some group has not read or acked; resolves with the number removed. */
  trim(key: string, limits: TrimLimits): Promise<number>;
  /** Reads the dead-letter stream, oldest first, at most `count` entries. */
  readDeadLetters(deadLetterKey: string, count: number): Promise<StoredEntry[]>;
  /** Atomically moves one dead letter back to its source stream; resolves with the new id, or undefined when there is nothing to redrive. */
  redrive(key: string, deadLetterKey: string, id: string): Promise<string | undefined>;
}

/** Moves and removes consumer groups: what `moveGroup` and `removeGroup` of a service need. Promises. */
export interface GroupAdmin {
  /**
   * Moves the group's last delivered id to `to` (`XGROUP SETID`, with `ENTRIESREAD` so that its lag
   * stays right): the entries after it are delivered again, as first deliveries; its pending entries
   * stay pending. Resolves false when the stream has no such group (nothing is created).
   */
  moveGroup(key: string, group: string, to: GroupMove): Promise<boolean>;
  /** Destroys the group with its pending entries and consumers (`XGROUP DESTROY`); resolves false when the stream had no such group. */
  removeGroup(key: string, group: string): Promise<boolean>;
}

/**
 * Membership and partition leases of ordered consumers (`consume(stream, { ordered: true })`, which also
 * needs {@link PendingClaims}: a partition's new owner takes over its whole pending list first).
 * Promises: an ordered consumer's heartbeats wait for them, so under `TestScheduler.run` they wait for the end of the flush.
 */
export interface PartitionLeases {
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
}

/** A store with replicas (Redis): what `produce` with the `durability` option waits for. */
export interface ReplicaConfirmation {
  /**
   * How many replicas have what this transport just appended to each of `keys` (the fewest over the
   * servers holding them), waiting at most `timeoutMs` for `replicas` of them. Call it right after the
   * appends completed.
   */
  confirmReplicas(keys: readonly string[], replicas: number, timeoutMs: number): Promise<number>;
}

/** A network store: which server a key lives on, for tracing (`server.address`, `server.port`). */
export interface ServerLocation {
  /** The server the commands on `key` go to, `undefined` while unknown. */
  serverOf(key: string): ServerAddress | undefined;
}

/** The capabilities a backend has: each one present is implemented, each one absent is not. */
export interface StreamCapabilities {
  readonly renewal?: EntryRenewal;
  readonly claims?: PendingClaims;
  readonly hygiene?: ConsumerHygiene;
  readonly admin?: StreamAdmin;
  readonly groups?: GroupAdmin;
  readonly partitionLeases?: PartitionLeases;
  readonly replicas?: ReplicaConfirmation;
  readonly servers?: ServerLocation;
  /** Events scheduled for later (`schedule`), in `scheduledEntries.ts`. */
  readonly scheduling?: ScheduledEntries;
}

/** The name of one capability. */
export type StreamCapability = keyof StreamCapabilities;
