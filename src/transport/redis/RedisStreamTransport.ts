import { asyncScheduler, defer, Observable, type SchedulerLike } from 'rxjs';
import type { EntryFields } from '../../codec/entryFields';
import type { Unreachable } from '../../errors/TimeoutError';
import type { ConsumerHygiene, EntryRenewal, GroupAdmin, PartitionLeases, PendingClaims, ReplicaConfirmation, ServerLocation, StreamAdmin, StreamCapabilities } from '../streamCapabilities';
import type { AckBatch, AppendRequest, ClaimIdleRequest, ClaimIdleResult, DeadLetterInfo, GroupMove, GroupStartAt, ReadEntry, ServerAddress, StoredEntry, TrimLimits } from '../streamEntries';
import type { StreamReader, StreamTransport } from '../StreamTransport';
import { CLAIM_IDLE, CLAIM_MINE, CLAIM_OWN } from './scripts/claim';
import { DEAD_LETTER, REDRIVE } from './scripts/deadLetter';
import type { LuaScript } from './scripts/runScript';
import { TRIM } from './scripts/trim';
import { ACK, EXPIRE_CONSUMERS, REMOVE_CONSUMERS, RENEW } from './scripts/consumers';
import { ENTRIES_READ_COUNT_LIMIT, GROUP_AT, REMOVE_GROUP } from './scripts/groups';
import { ACQUIRE_LEASE, HEARTBEAT, RELEASE_LEASE } from './scripts/leases';
import { GroupReaders, HANDED_BACK_IDLE_MS } from '../reading/GroupReaders';
import { GroupStreamReader } from '../reading/GroupStreamReader';
import { appendOnce } from './appendOnce';
import { redisReadLinks } from './ReaderLink';
import { RedisScheduledEntries } from './RedisScheduledEntries';
import type { RedisConnections } from './connect';
import { guarded, guardedScript } from './guarded';
import { isRedisReply } from './redisErrors';
import { isTransportError } from '../../errors/TransportError';
import { toClaimedEntries, toStoredEntries } from './replies';
import type { StreamSnapshot } from '../StreamSnapshot';
import { describeRedisStream } from './describeRedisStream';
import type { ConnectionState, ServerReport } from '../../health/ServiceHealth';
import { connectionState, readServerReport } from './redisHealth';
import { ReplicaWaits } from './replicaWaits';
import { serverAddressOf } from './serverAddress';


/** About the most ids one ack script is given: a call over more streams is split between streams. */
export const ACK_SCRIPT_IDS = 10_000;

/** The ack batches split into script calls of about {@link ACK_SCRIPT_IDS} ids each (a stream's ids stay in one call). */
export function ackScriptCalls(batches: readonly AckBatch[]): AckBatch[][] {
  const calls: AckBatch[][] = [];
  let call: AckBatch[] = [];
  let ids = 0;
  for (const batch of batches) {
    if (call.length > 0 && ids + batch.ids.length > ACK_SCRIPT_IDS) {
      calls.push(call);
      call = [];
      ids = 0;
    }
    call.push(batch);
    ids += batch.ids.length;
  }
  if (call.length > 0) calls.push(call);
  return calls;
}

/** Waits for every call; rejects with the first refusal, in the order of `calls`. */
function firstRefusal(calls: readonly Promise<unknown>[]): Promise<void> {
  return Promise.allSettled(calls).then((outcomes) => {
    const refused = outcomes.find((outcome) => outcome.status === 'rejected');
    if (refused) throw refused.reason;
  });
}

/** Most entries one trim scans to find what the length limit allows. */
const TRIM_SCAN = 10_000;

/**
 * {@link StreamTransport} over Redis Streams, with every capability: `XADD`, `XACK`, `XCLAIM` and the
 * scripts on one command connection, and one blocking `XREADGROUP` connection per consumer and server (see `GroupReaders`).
 */
export class RedisStreamTransport implements StreamTransport, EntryRenewal, PendingClaims, ConsumerHygiene, StreamAdmin, GroupAdmin, PartitionLeases, ReplicaConfirmation, ServerLocation {
  readonly capabilities: StreamCapabilities = { renewal: this, claims: this, hygiene: this, admin: this, groups: this, partitionLeases: this, replicas: this, servers: this };
  private readonly readers: GroupReaders;
  private readonly replicaWaits = new ReplicaWaits();

  /**
   * @param connections The connections to use.
   * @param scheduler Scheduler of the transport's own timers (a reader's wait for its connection). Default `asyncScheduler`.
   */
  constructor(
    private readonly connections: RedisConnections,
    private readonly scheduler: SchedulerLike = asyncScheduler,
  ) {
    // scheduled events are an object of their own (this class has enough to do)
    this.capabilities = { ...this.capabilities, scheduling: new RedisScheduledEntries(connections) };
    // entries read and never handed out: idle at once for any claim walk (left pending if this fails, then taken over after claimIdleAfterMs)
    this.readers = new GroupReaders(redisReadLinks(connections, scheduler), scheduler, (key, group, consumer, ids) => void this.markIdle(key, group, consumer, ids, HANDED_BACK_IDLE_MS).subscribe({ error: () => undefined }));
  }

  serverOf(key: string): ServerAddress | undefined {
    return serverAddressOf(this.connections, key);
  }

  ensureGroup(key: string, group: string, start: GroupStartAt): Observable<void> {
    return defer(async () => {
      // after an id: created with the group's entries-read, so that its lag is known at once
      if (typeof start === 'object') return void (await this.script('ensureGroup', GROUP_AT, [key], [group, 'create', start.afterId, ENTRIES_READ_COUNT_LIMIT]));
      try {
        await this.connections.command.xgroup('CREATE', key, group, start === 'new' ? '$' : '0', 'MKSTREAM');
      } catch (error) {
        if (isRedisReply(error, 'BUSYGROUP')) return;
        throw this.connections.transportError('ensureGroup', error);
      }
    });
  }

  append(key: string, entries: readonly EntryFields[], request: AppendRequest): Observable<string[]> {
    return defer(() => this.guard('append', () => appendOnce(this.connections.command, key, entries, request)));
  }

  openReader(key: string, group: string, consumer: string): StreamReader {
    return new GroupStreamReader(this.readers, key, group, consumer, this.scheduler);
  }

  ack(group: string, batches: readonly AckBatch[]): Observable<void> {
    // an Observable over the calls' own promises, without an async function and a promise wrapped around them (every ack pays it)
    return new Observable<void>((subscriber) => {
      const acking = batches.filter((batch) => batch.ids.length > 0);
      const { command, cluster } = this.connections;
      // one XACK per stream for a single stream, and on a cluster (a script cannot span slots); else one
      // script over every stream (a few for very many ids, so that no script holds the server long)
      const calls =
        acking.length === 1 || cluster
          ? acking.map(({ key, ids }) => this.guard('ack', () => command.xack(key, group, ...ids)))
          : ackScriptCalls(acking).map((call) => this.script('ack', ACK, call.map((batch) => batch.key), [group, ...call.map((batch) => batch.ids.length), ...call.flatMap((batch) => batch.ids)]));
      const answered = calls.length === 1 ? (calls[0] as Promise<unknown>) : firstRefusal(calls);
      answered.then(
        () => {
          subscriber.next();
          subscriber.complete();
        },
        (error: unknown) => subscriber.error(error),
      );
    });
  }

  claimOwn(key: string, group: string, consumer: string, count: number): Observable<ReadEntry[]> {
    return defer(async () => toClaimedEntries(await this.script('claimOwn', CLAIM_OWN, [key], [group, consumer, count])));
  }

  claimIdle(key: string, group: string, consumer: string, request: ClaimIdleRequest): Observable<ClaimIdleResult> {
    const args = [group, consumer, Math.floor(request.minIdleMs), request.cursor, request.count, request.maxDeliveries, ...request.holding];
    return defer(async () => {
      const [cursor, entries] = (await this.script('claimIdle', CLAIM_IDLE, [key], args)) as [string, unknown];
      return { cursor, entries: toClaimedEntries(entries) };
    });
  }

  markIdle(key: string, group: string, consumer: string, ids: readonly string[], idleMs: number): Observable<void> {
    return defer(async () => {
      if (ids.length > 0) await this.guard('markIdle', () => this.connections.command.xclaim(key, group, consumer, 0, ...ids, 'IDLE', Math.floor(idleMs), 'JUSTID'));
    });
  }

  renew(key: string, group: string, consumer: string, ids: readonly string[]): Observable<number> {
    return defer(async () => (ids.length === 0 ? 0 : Number(await this.script('renew', RENEW, [key], [group, consumer, ...ids]))));
  }

  removeConsumers(key: string, group: string, consumers: readonly string[]): Observable<string[]> {
    return defer(async () => {
      if (consumers.length === 0) return [];
      try {
        return (await this.script('removeConsumers', REMOVE_CONSUMERS, [key], [group, ...consumers])) as string[];
      } catch (error) {
        if (isTransportError(error, 'NOGROUP')) return [...consumers]; // the group was removed: nobody is left in it
        throw error;
      }
    });
  }

  expireConsumers(key: string, group: string, idleMs: number, keep: readonly string[]): Observable<string[]> {
    return defer(async () => (await this.script('expireConsumers', EXPIRE_CONSUMERS, [key], [group, Math.floor(idleMs), ...keep])) as string[]);
  }

  deadLetter(key: string, deadLetterKey: string, group: string, id: string, info: DeadLetterInfo): Observable<boolean> {
    const args = [group, id, info.reason, info.error, info.deliveryCount];
    return defer(async () => (await this.script('deadLetter', DEAD_LETTER, [key, deadLetterKey], args)) === 1);
  }

  async readDeadLetters(deadLetterKey: string, count: number): Promise<StoredEntry[]> {
    return toStoredEntries(await this.guard('readDeadLetters', () => this.connections.command.xrange(deadLetterKey, '-', '+', 'COUNT', count)));
  }

  async readAfter(key: string, after: string, count: number): Promise<StoredEntry[]> {
    return toStoredEntries(await this.guard('readAfter', () => this.connections.command.xrange(key, `(${after}`, '+', 'COUNT', count)));
  }

  async lastId(key: string): Promise<string | undefined> {
    const [last] = await this.guard('lastId', () => this.connections.command.xrevrange(key, '+', '-', 'COUNT', 1));
    return last?.[0];
  }

  async redrive(key: string, deadLetterKey: string, id: string): Promise<string | undefined> {
    const reply = await this.script('redrive', REDRIVE, [key, deadLetterKey], [id]);
    return typeof reply === 'string' ? reply : undefined;
  }

  async trim(key: string, limits: TrimLimits): Promise<number> {
    const args = [limits.maxLength ?? '', limits.minTimestampMs === undefined ? '' : `${Math.floor(limits.minTimestampMs)}-0`, limits.unsafe ? '1' : '0', TRIM_SCAN];
    return Number(await this.script('trim', TRIM, [key], args));
  }

  async moveGroup(key: string, group: string, to: GroupMove): Promise<boolean> {
    const at = to === 'start' ? '0' : to === 'end' ? '$' : to.afterId;
    return Number(await this.script('moveGroup', GROUP_AT, [key], [group, 'move', at, ENTRIES_READ_COUNT_LIMIT])) === 1;
  }

  async removeGroup(key: string, group: string): Promise<boolean> {
    return Number(await this.script('removeGroup', REMOVE_GROUP, [key], [group])) === 1;
  }

  claimIds(key: string, group: string, consumer: string, ids: readonly string[]): Observable<ReadEntry[]> {
    return defer(async () => (ids.length === 0 ? [] : toClaimedEntries(await this.script('claimIds', CLAIM_MINE, [key], [group, consumer, ...ids]))));
  }

  describe(key: string, deadLetterKey: string): Promise<StreamSnapshot> {
    return this.guard('describe', () => describeRedisStream(this.connections.command, key, deadLetterKey));
  }

  async heartbeat(membersKey: string, member: string, ttlMs: number): Promise<string[]> {
    const members = (await this.script('heartbeat', HEARTBEAT, [membersKey], [member, Math.ceil(ttlMs)])) as string[];
    return [...members].sort();
  }

  async leave(membersKey: string, member: string): Promise<void> {
    await this.guard('leave', () => this.connections.command.zrem(membersKey, member));
  }

  async acquireLease(leaseKey: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.script('acquireLease', ACQUIRE_LEASE, [leaseKey], [owner, Math.ceil(ttlMs)])) === 1;
  }

  async releaseLease(leaseKey: string, owner: string): Promise<void> {
    await this.script('releaseLease', RELEASE_LEASE, [leaseKey], [owner]);
  }

  /** `WAIT` on the connection of each key's master (one per master); a master the client has no connection to now counts 0. */
  async confirmReplicas(keys: readonly string[], replicas: number, timeoutMs: number): Promise<number> {
    const connections = new Set(keys.map((key) => this.connections.connectionOf(key)));
    const counts = await this.guard('wait', () =>
      Promise.all([...connections].map((connection) => (connection ? this.replicaWaits.wait(connection, replicas, timeoutMs) : Promise.resolve(0)))),
    );
    return Math.min(...counts);
  }

  connectionState(): ConnectionState {
    return connectionState(this.connections.command);
  }

  ready(timeoutMs: number): Observable<void> {
    return this.connections.ready(timeoutMs, this.scheduler);
  }

  unreachable(): Unreachable | undefined {
    return this.connections.unreachable();
  }

  serverReport(): Promise<ServerReport> {
    return this.guard('health', () => readServerReport(this.connections.command));
  }

  async close(): Promise<void> {
    this.readers.close();
    await this.connections.close();
  }

  private script(operation: string, script: LuaScript, keys: string[], args: (string | number)[]): Promise<unknown> {
    return guardedScript(this.connections, operation, script, keys, args);
  }

  private guard<R>(operation: string, work: () => Promise<R>): Promise<R> {
    return guarded(this.connections, operation, work);
  }
}
