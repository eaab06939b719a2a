import { asyncScheduler, defer, Observable, type SchedulerLike } from 'rxjs';
import type { EntryFields } from '../../codec/entryFields';
import type { Unreachable } from '../../errors/TimeoutError';
import { isTransportError } from '../../errors/TransportError';
import type { ConnectionState, ServerReport } from '../../health/ServiceHealth';
import type { ConsumerHygiene, EntryRenewal, PendingClaims, StreamCapabilities } from '../streamCapabilities';
import type { AckBatch, AppendRequest, ClaimIdleRequest, ClaimIdleResult, DeadLetterInfo, GroupStartAt, ReadEntry } from '../streamEntries';
import type { StreamReader, StreamTransport } from '../StreamTransport';
import { GroupReaders, HANDED_BACK_IDLE_MS } from '../reading/GroupReaders';
import { GroupStreamReader } from '../reading/GroupStreamReader';
import { ackScriptCalls, firstRefusal } from './ackCalls';
import type { RedisConnections } from './connect';
import { guarded, guardedScript } from './guarded';
import { redisReadLinks } from './ReaderLink';
import { RedisPartitionLeases } from './RedisPartitionLeases';
import { RedisScheduledEntries } from './RedisScheduledEntries';
import { RedisServers } from './RedisServers';
import { RedisStreamAdmin } from './RedisStreamAdmin';
import { isRedisReply } from './redisErrors';
import { connectionState, readServerReport } from './redisHealth';
import { toClaimedEntries } from './replies';
import { TickAppends } from './TickAppends';
import { CLAIM_IDLE, CLAIM_MINE, CLAIM_OWN } from './scripts/claim';
import { ACK, EXPIRE_CONSUMERS, REMOVE_CONSUMERS, SET_IDLE } from './scripts/consumers';
import { DEAD_LETTER } from './scripts/deadLetter';
import { ENTRIES_READ_COUNT_LIMIT, GROUP_AT } from './scripts/groups';
import type { LuaScript } from './scripts/runScript';

/**
 * {@link StreamTransport} over Redis Streams, with every capability: `XADD`, `XACK`, `XCLAIM` and the
 * scripts on one command connection, and one blocking `XREADGROUP` connection per consumer and server (see `GroupReaders`).
 * This class does what every consumer and producer needs, and what the consumer loop does to a group's
 * entries and consumers (renewal, claims, hygiene). The other capabilities are jobs of their own, each
 * an object on the same connections: {@link RedisStreamAdmin} (admin and groups), {@link RedisPartitionLeases},
 * {@link RedisServers} (servers and replicas) and {@link RedisScheduledEntries} (scheduling).
 */
export class RedisStreamTransport implements StreamTransport, EntryRenewal, PendingClaims, ConsumerHygiene {
  readonly capabilities: StreamCapabilities;
  private readonly readers: GroupReaders;
  /** Appends, the producer calls of one tick to one key together. */
  private readonly appends: TickAppends;

  /**
   * @param connections The connections to use.
   * @param scheduler Scheduler of the transport's own timers (a reader's wait for its connection). Default `asyncScheduler`.
   */
  constructor(
    private readonly connections: RedisConnections,
    private readonly scheduler: SchedulerLike = asyncScheduler,
  ) {
    const admin = new RedisStreamAdmin(connections);
    this.appends = new TickAppends(() => connections.command);
    const servers = new RedisServers(connections);
    const partitionLeases = new RedisPartitionLeases(connections);
    const scheduling = new RedisScheduledEntries(connections);
    this.capabilities = { renewal: this, claims: this, hygiene: this, admin, groups: admin, partitionLeases, replicas: servers, servers, scheduling };
    // entries read and never handed out: idle at once for any claim walk (left pending if this fails, then taken over after claimIdleAfterMs)
    this.readers = new GroupReaders(redisReadLinks(connections, scheduler), scheduler, (key, group, consumer, ids) => void this.markIdle(key, group, consumer, ids, HANDED_BACK_IDLE_MS).subscribe({ error: () => undefined }));
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
    return defer(() => this.guard('append', () => this.appends.append(key, entries, request)));
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
      if (ids.length > 0) await this.script('markIdle', SET_IDLE, [key], [group, consumer, Math.floor(idleMs), ...ids]);
    });
  }

  claimIds(key: string, group: string, consumer: string, ids: readonly string[]): Observable<ReadEntry[]> {
    return defer(async () => (ids.length === 0 ? [] : toClaimedEntries(await this.script('claimIds', CLAIM_MINE, [key], [group, consumer, ...ids]))));
  }

  renew(key: string, group: string, consumer: string, ids: readonly string[]): Observable<number> {
    return defer(async () => (ids.length === 0 ? 0 : Number(await this.script('renew', SET_IDLE, [key], [group, consumer, 0, ...ids]))));
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
    this.appends.flush();
    this.readers.close();
    await this.connections.close();
  }

  /** {@link guardedScript} on this transport's connections. */
  private script(operation: string, script: LuaScript, keys: string[], args: (string | number)[]): Promise<unknown> {
    return guardedScript(this.connections, operation, script, keys, args);
  }

  /** {@link guarded} on this transport's connections. */
  private guard<R>(operation: string, work: () => Promise<R>): Promise<R> {
    return guarded(this.connections, operation, work);
  }
}
