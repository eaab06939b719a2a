import calculateSlot from 'cluster-key-slot';
import type { SchedulerLike } from 'rxjs';
import type { ReadLinks } from '../reading/GroupReaders';
import type { ReadLink, StreamEntries } from '../reading/ReadLink';
import type { ReaderConnection, RedisConnections } from './connect';
import { ReadDeadline } from './ReadDeadline';
import { ConnectionClosedError, isRedisReply } from './redisErrors';
import { toReadEntriesByStream } from './replies';

/** How long after its BLOCK time (or, without one, after it was sent) a read without an answer counts as lost. */
const BLOCKING_GRACE_MS = 1500;

/**
 * How the Redis transport reads: a reader per server, and on a cluster per master and slot (Redis
 * refuses a command over keys of several slots, `CROSSSLOT`, even on one master).
 */
export function redisReadLinks(connections: RedisConnections, scheduler: SchedulerLike): ReadLinks {
  return {
    placeOf: (key) => (connections.cluster ? `${connections.nodeOf(key)}\u0000${calculateSlot(key)}` : ''),
    open: (key, group, consumer, ready) => new ReaderLink(connections, scheduler, key, group, consumer, ready),
  };
}

/**
 * The {@link ReadLink} of a `GroupReader` on Redis: its connection, and its client id (which `CLIENT
 * UNBLOCK` needs). A read is only sent while the connection is ready and its client id known: never
 * queued offline (where ioredis would start its blocking deadline early) and never re-sent after a reconnect.
 */
export class ReaderLink implements ReadLink {
  /** Reads start after the requests of the same turn joined, so that one read covers them. */
  readonly startsAtOnce = false;
  private reader: ReaderConnection;
  private clientId: number | undefined;
  private closed = false;
  /** The read sent and not answered yet: failed when its connection closes first (ioredis drops it then, since `autoResendUnfulfilledCommands` is off). */
  private underWay: ReadUnderWay | undefined;
  /** Ends a read that got no answer within its BLOCK time plus {@link BLOCKING_GRACE_MS}: see {@link lost}. */
  private readonly deadline: ReadDeadline;

  /**
   * @param key A key the reader reads (its server is the one connected to; on a cluster, keys of one slot only).
   * @param onReady Told when the connection is ready and its client id known.
   */
  constructor(
    private readonly connections: RedisConnections,
    scheduler: SchedulerLike,
    private readonly key: string,
    private readonly group: string,
    private readonly consumer: string,
    private readonly onReady: () => void,
  ) {
    this.deadline = new ReadDeadline(scheduler, () => this.lost());
    this.reader = this.open();
  }

  /** Whether a read can be sent now; on a cluster, first opens a new connection when this one ended (see {@link reconnectIfEnded}). */
  readyForRead(): boolean {
    this.reconnectIfEnded();
    // a connection that is reconnecting may not have said 'close' yet: it is not ready for a read
    if (this.reader.connection.status !== 'ready') this.clientId = undefined;
    return this.clientId !== undefined;
  }

  /** Ends the blocked command on this connection (`CLIENT UNBLOCK`); false when the client id is not known. */
  unblock(): boolean {
    if (this.clientId === undefined) return false;
    this.reader.unblock(this.clientId).catch(() => undefined);
    return true;
  }

  /**
   * Sends `XREADGROUP GROUP g c COUNT n [BLOCK ms] STREAMS k1 k2 … > > …`, read as bytes (decoded in
   * one pass by `toReadEntriesByStream`: the hot path of consumption), then tells `answered` the
   * entries by key, or `failed` why it failed (also when the connection closed first).
   */
  read(keys: readonly string[], count: number, blockMs: number | undefined, answered: (streams: StreamEntries[]) => void, failed: (error: unknown) => void): void {
    const { connection } = this.reader;
    const args: (string | number)[] = ['GROUP', this.group, this.consumer, 'COUNT', count, ...(blockMs === undefined ? [] : ['BLOCK', blockMs]), 'STREAMS', ...keys];
    for (let index = 0; index < keys.length; index++) args.push('>');
    const read: ReadUnderWay = { connection, answered, failed };
    this.underWay = read;
    this.deadline.start((blockMs ?? 0) + BLOCKING_GRACE_MS);
    connection.callBuffer('XREADGROUP', ...args).then(
      (reply) => {
        if (this.underWay !== read) return; // the connection closed first, or the read counted as lost
        this.underWay = undefined;
        this.deadline.stop();
        answered(toReadEntriesByStream(reply));
      },
      (error: unknown) => this.fail(read, error),
    );
  }

  /**
   * The read under way got no answer within its BLOCK time plus the grace: its connection may be dead
   * without a close event. It answers nothing, and the connection reconnects rather than keep the next
   * read behind it. (Entries the server may still hand to this read stay pending and are taken over
   * after `claimIdleAfterMs`.)
   */
  private lost(): void {
    const read = this.underWay;
    if (!read) return;
    this.underWay = undefined;
    this.clientId = undefined;
    read.connection.disconnect(true);
    read.answered([]);
  }

  /** Ends `read` with `error`, unless it ended already. */
  private fail(read: ReadUnderWay, error: unknown): void {
    if (this.underWay !== read) return;
    this.underWay = undefined;
    this.deadline.stop();
    if (isRedisReply(error, 'MOVED') || isRedisReply(error, 'READONLY')) this.connections.refreshNodes(); // the next reads follow the slot
    read.failed(error);
  }

  /** The error a failed read is reported with. */
  failure(error: unknown): unknown {
    return this.connections.transportError('read', error);
  }

  /** Closes the connection. */
  close(): void {
    this.closed = true;
    this.deadline.close();
    this.reader.connection.disconnect();
  }

  private open(): ReaderConnection {
    const reader = this.connections.openReader(this.key, {
      // without ioredis' blockingTimeout: a timer per read, outside the injected scheduler (see ReadDeadline)
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      lazyConnect: false, // a cluster's node connections are lazy: this one must connect by itself
    });
    const { connection } = reader;
    connection.on('ready', () => this.learnClientId(reader));
    connection.on('close', () => {
      if (reader === this.reader) this.clientId = undefined;
      const read = this.underWay;
      if (read?.connection === connection) this.fail(read, new ConnectionClosedError('the connection closed during a blocking read'));
    });
    connection.on('error', () => undefined); // failures surface through the reads
    return reader;
  }

  /**
   * On a cluster, opens a new connection (closing this one) when this one ended: a copy of a cluster
   * node's connection does not reconnect by itself (ioredis leaves that to the slot map), so after a
   * killed connection, a lost reply or a master restarted on its address the reader would otherwise
   * wait for nothing for ever. (When the slot moves to another master, the keys' requests go to the
   * reader of that master instead.)
   */
  private reconnectIfEnded(): void {
    if (!this.connections.cluster || this.reader.connection.status !== 'end') return;
    this.clientId = undefined;
    this.reader = this.open();
  }

  private learnClientId(reader: ReaderConnection): void {
    reader.connection.client('ID').then(
      (id) => {
        if (reader !== this.reader || this.closed) return;
        this.clientId = Number(id);
        this.onReady();
      },
      () => undefined,
    );
  }
}

/** A read sent on `connection` and not answered yet. */
interface ReadUnderWay {
  readonly connection: ReaderConnection['connection'];
  readonly answered: (streams: StreamEntries[]) => void;
  readonly failed: (error: unknown) => void;
}
