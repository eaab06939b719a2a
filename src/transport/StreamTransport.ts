import type { Observable } from 'rxjs';
import type { EntryFields } from '../codec/entryFields';
import type { Unreachable } from '../errors/TimeoutError';
import type { ConnectionState, ServerReport } from '../health/ServiceHealth';
import type { StreamCapabilities, StreamCapability } from './streamCapabilities';
import type { AckBatch, AppendRequest, DeadLetterInfo, GroupStartAt, ReadEntry } from './streamEntries';

export type { AckBatch, AfterId, AppendIdempotency, AppendProducer, AppendRequest, ClaimIdleRequest, ClaimIdleResult, DeadLetterInfo, GroupMove, GroupStart, GroupStartAt, ReadEntry, ServerAddress, StoredEntry, TrimLimits } from './streamEntries';
export type { ConsumerHygiene, EntryRenewal, GroupAdmin, PartitionLeases, PendingClaims, ReplicaConfirmation, ServerLocation, StreamAdmin, StreamCapabilities, StreamCapability } from './streamCapabilities';

/** What a read brought for one key; `more`: as many as the read asked for, so the stream may hold more (see {@link StreamReader.request}). */
export type ReadAnswer = (entries: ReadEntry[], more: boolean) => void;

/**
 * A blocking reader of new entries for one consumer of one group. On Redis it owns a connection,
 * because a blocking `XREADGROUP` occupies the connection it runs on.
 */
export interface StreamReader {
  /**
   * Reads up to `count` entries never delivered to the group, waiting up to `blockMs` for some: calls
   * `answered` once (with `[]` on timeout, interrupt or close) or `failed` once. In memory it answers
   * synchronously when the entries are there (or the moment they are appended), which keeps virtual
   * time exact. The returned function withdraws the read while it waits.
   *
   * `more` tells that the read brought as many entries of the key as it asked the broker for (which
   * may be fewer than `count` when one read serves several keys): the stream may hold more, a backlog.
   * `arrived`, when given, is told the same just before `answered`: when one read answers the
   * requests of several keys, every `arrived` of that read comes before the first `answered`, so
   * that each loop can ask for its next entries before any of them decodes what it got.
   */
  request(count: number, blockMs: number, answered: ReadAnswer, failed: (error: unknown) => void, arrived?: ReadAnswer): () => void;
  /** Makes the pending (or else the next) request answer `[]` now. */
  interrupt(): void;
  /**
   * Releases the reader; a pending request answers `[]`. Idempotent. The promise resolves once no read
   * sent before can still bring the consumer entries of the key, so that the key can then pass to
   * another consumer (an ordered consumer's partition lease) without a later entry overtaking one.
   */
  close(): Promise<void>;
}

/**
 * The seam between the library and a persistent stream store (Redis Streams, or memory): what every
 * consumer and producer needs — create a group, append, read new entries for a group, ack, redeliver
 * (`claimIds`), dead-letter — plus the health and lifecycle of the connection. Everything else a backend
 * may or may not have (lease renewal, claims, consumer hygiene, admin reads, partition leases, replicas,
 * server addresses) it lists in {@link StreamTransport.capabilities}; there is no mode flag, and the
 * consumer code is the same on every backend.
 *
 * Keys are full keys (prefix included). Every operation fails with a `TransportError` on broker failure.
 * What the consumer loop and its timers wait for is a **cold** Observable: subscribing sends the command,
 * and the memory transport answers on subscription, so a whole service runs in virtual time
 * (`TestScheduler.run`, where promises would wait for the end of the flush). The rest are promises.
 */
export interface StreamTransport {
  /** The optional capabilities this backend has (see `streamCapabilities.ts`); look one up once where it is used. */
  readonly capabilities: StreamCapabilities;
  /** **Cold**: creates the group (and the stream) unless it exists, at `start`; a group that exists is left where it is. */
  ensureGroup(key: string, group: string, start: GroupStartAt): Observable<void>;
  /**
   * **Cold**: appends entries in order and emits their ids once the store has them all. A call the
   * transport sends again is applied once (by `request.producer`'s sequence); an entry whose idempotency
   * record exists is not appended, and answers the record's id. Each subscription is one call.
   */
  append(key: string, entries: readonly EntryFields[], request: AppendRequest): Observable<string[]>;
  /** Opens a blocking reader for `consumer` of `group`. */
  openReader(key: string, group: string, consumer: string): StreamReader;
  /**
   * **Cold**: acknowledges entries of one or more streams for the group, in one round trip where the
   * backend can; unknown or already acked ids are ignored. Emits once (`undefined`) when the broker has
   * answered, then completes. Every batch is tried; the call errors with the first refusal (the other
   * batches may be recorded).
   */
  ack(group: string, batches: readonly AckBatch[]): Observable<void>;
  /** **Cold**: takes back the given ids for redelivery to `consumer`, counting a new delivery: only those still pending for it (not acked, not taken over). */
  claimIds(key: string, group: string, consumer: string, ids: readonly string[]): Observable<ReadEntry[]>;
  /** **Cold**: atomically copies a pending entry to `deadLetterKey` (with `info`) and acks it; emits false when it is no longer pending. */
  deadLetter(key: string, deadLetterKey: string, group: string, id: string, info: DeadLetterInfo): Observable<boolean>;
  /** The state of the command connection now. */
  connectionState(): ConnectionState;
  /**
   * **Cold**: completes once the command connection is ready (in memory, at once); errors with a
   * `TransportError` naming the server when it is not within `timeoutMs`, or as soon as it cannot be
   * (refused credentials or certificate, a database the server will not select).
   */
  ready(timeoutMs: number): Observable<void>;
  /** The server and the last error its connection met, while the command connection is not ready (never in memory). */
  unreachable(): Unreachable | undefined;
  /** Reads who the server is, and its settings that matter for data safety (persistence, eviction, version) as warnings. */
  serverReport(): Promise<ServerReport>;
  /** Releases connections this transport opened. */
  close(): Promise<void>;
}

/** What each capability lets the library do, for the error of a backend without it. */
const CAPABILITY_USES: Readonly<Record<StreamCapability, string>> = {
  renewal: 'renew the leases of entries',
  claims: 'claim pending entries',
  hygiene: 'remove consumers from a group',
  admin: 'read and trim streams outside a group',
  groups: 'move and remove consumer groups',
  partitionLeases: 'lease partitions to ordered consumers',
  replicas: 'confirm replicas',
  servers: 'locate servers',
  scheduling: 'store events scheduled for later',
};

/**
 * The capability `name` of `transport`, for `operation`, which cannot do without it.
 *
 * @throws TypeError naming the operation and the capability when the backend does not have it.
 */
export function requireCapability<K extends StreamCapability>(transport: StreamTransport, name: K, operation: string): NonNullable<StreamCapabilities[K]> {
  const capability = transport.capabilities[name];
  if (capability === undefined) throw new TypeError(`rx-redis-events: ${operation} needs a stream backend that can ${CAPABILITY_USES[name]} (capability ${name}); this one cannot`);
  return capability;
}
