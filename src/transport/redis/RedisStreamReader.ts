import { asyncScheduler, defer, timer, type Observable, type SchedulerLike } from 'rxjs';
import type { ReadEntry, StreamReader } from '../StreamTransport';
import type { ReaderConnection, RedisConnections } from './connect';
import { toReadEntriesFromBytes } from './replies';

/** How long after its BLOCK time a read without an answer counts as lost. */
const BLOCKING_GRACE_MS = 1500;

/**
 * A blocking `XREADGROUP` reader on a connection of its own, to the server that holds the key (on a
 * cluster: the master of its slot; when the slot moves, the reader reconnects to the new master).
 * `interrupt()` ends a blocked read at once with `CLIENT UNBLOCK` sent to that server.
 *
 * A read is only sent on a connection that is ready and whose client id is known: never queued
 * offline (where ioredis would start its blocking deadline early) and never re-sent after a
 * reconnect (the loop reads again instead).
 */
export class RedisStreamReader implements StreamReader {
  private reader: ReaderConnection;
  private clientId: number | undefined;
  private readyWaiters: (() => void)[] = [];
  private reading = false;
  private interrupted = false;
  private closed = false;

  constructor(
    private readonly connections: RedisConnections,
    private readonly key: string,
    private readonly group: string,
    private readonly consumer: string,
    private readonly onClose: () => void,
    private readonly scheduler: SchedulerLike = asyncScheduler,
  ) {
    this.reader = this.open();
  }

  private get connection(): ReaderConnection['connection'] {
    return this.reader.connection;
  }

  private open(): ReaderConnection {
    const reader = this.connections.openReader(this.key, {
      // ioredis ends a blocking read that gets no answer (a dead socket) after its BLOCK time plus a grace
      blockingTimeout: 1000,
      blockingTimeoutGrace: BLOCKING_GRACE_MS,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      lazyConnect: false, // a cluster's node connections are lazy: this one must connect by itself
    });
    const { connection } = reader;
    connection.on('ready', () => this.learnClientId(reader));
    connection.on('close', () => reader === this.reader && (this.clientId = undefined));
    connection.on('error', () => undefined); // failures surface through read()
    return reader;
  }

  /**
   * On a cluster, opens a new connection (closing this one) when the key's slot moved to another master
   * (a failover), or when this one ended: a copy of a cluster node's connection does not reconnect by
   * itself (ioredis leaves that to the slot map), so after a killed connection, a lost reply or a
   * master restarted on its address the reader would otherwise wait for nothing for ever.
   */
  private followSlot(): void {
    if (!this.connections.cluster) return;
    if (this.connection.status !== 'end' && this.connections.nodeOf(this.key) === this.reader.node) return;
    const old = this.reader;
    this.clientId = undefined;
    this.reader = this.open();
    old.connection.disconnect();
  }

  read(count: number, blockMs: number): Observable<ReadEntry[]> {
    return defer(() => this.readOnce(count, blockMs));
  }

  private async readOnce(count: number, blockMs: number): Promise<ReadEntry[]> {
    const block = Math.max(1, Math.floor(blockMs));
    if (!this.closed) this.followSlot();
    // a connection that is reconnecting may not have said 'close' yet: it is not ready for a read
    if (this.connection.status !== 'ready') this.clientId = undefined;
    if (this.clientId === undefined) await this.whenReady(block);
    if (this.closed || this.interrupted || this.clientId === undefined) {
      this.interrupted = false;
      return [];
    }
    this.reading = true;
    const started = performance.now();
    try {
      const { connection } = this;
      // read as bytes: decoded in one pass by toReadEntriesFromBytes (the hot path of consumption)
      const reply = await this.untilClosed(connection, connection.callBuffer('XREADGROUP', 'GROUP', this.group, this.consumer, 'COUNT', count, 'BLOCK', block, 'STREAMS', this.key, '>'));
      // No answer within BLOCK plus the grace: ioredis' guard gave up on a connection that may be
      // dead without a close event. Reconnect rather than queue the next read behind it. (Entries
      // the server may still hand to this read stay pending and are taken over after claimIdleAfterMs.)
      if (reply === null && performance.now() - started >= block + BLOCKING_GRACE_MS) {
        this.clientId = undefined; // the next read waits for the new connection
        connection.disconnect(true);
      }
      return toReadEntriesFromBytes(reply);
    } catch (error) {
      if (this.closed) return [];
      if (error instanceof Error && /^(MOVED|READONLY)\b/.test(error.message)) this.connections.refreshNodes(); // the next read follows the slot
      throw this.connections.transportError('read', error);
    } finally {
      this.reading = false;
    }
  }

  /**
   * Settles like `read`, or rejects when the connection closes first: ioredis drops a command that
   * was waiting on a closed connection (it is not re-sent: `autoResendUnfulfilledCommands` is off).
   */
  private untilClosed<R>(connection: ReaderConnection['connection'], read: Promise<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const closed = () => reject(new Error('the connection closed during a blocking read'));
      connection.once('close', closed);
      read.finally(() => connection.off('close', closed)).then(resolve, reject);
    });
  }

  /** Waits until the connection is ready and its client id known, or `ms` passed, or the reader is closed or interrupted. */
  private whenReady(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        alarm.unsubscribe();
        this.readyWaiters = this.readyWaiters.filter((waiter) => waiter !== done);
        resolve();
      };
      const alarm = timer(ms, this.scheduler).subscribe(done);
      this.readyWaiters.push(done);
    });
  }

  private wakeWaiters(): void {
    for (const waiter of [...this.readyWaiters]) waiter();
  }

  interrupt(): void {
    if (!this.reading || this.clientId === undefined) {
      this.interrupted = true;
      this.wakeWaiters();
      return;
    }
    this.reader.unblock(this.clientId).catch(() => undefined);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    this.wakeWaiters();
    this.connection.disconnect();
  }

  private learnClientId(reader: ReaderConnection): void {
    reader.connection.client('ID').then(
      (id) => {
        if (reader !== this.reader) return;
        this.clientId = Number(id);
        this.wakeWaiters();
      },
      () => undefined,
    );
  }
}
