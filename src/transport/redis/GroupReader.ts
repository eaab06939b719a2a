import { timer, type SchedulerLike, type Subscription } from 'rxjs';
import type { ReadEntry } from '../StreamTransport';
import type { ReaderConnection, RedisConnections } from './connect';
import { ConnectionClosedError, isRedisReply } from './redisErrors';
import { toReadEntriesByStream } from './replies';

/** How long after its BLOCK time a read without an answer counts as lost. */
const BLOCKING_GRACE_MS = 1500;

/** One consumer loop's wish for new entries of one stream key. */
export interface ReadRequest {
  readonly key: string;
  readonly count: number;
  /** Scheduler time after which the request is answered `[]` if nothing came. */
  readonly deadline: number;
  readonly answer: (entries: ReadEntry[]) => void;
  readonly fail: (error: unknown) => void;
}

/**
 * The blocking reader of one consumer of one group on one server: one connection, and on it one
 * `XREADGROUP GROUP g c COUNT n BLOCK ms STREAMS k1 k2 … > > …` at a time over every key some loop
 * wants entries of ({@link request}). Each loop asks only for what its window has room for, and gets
 * the entries of its own key. A request for a key the read under way does not cover ends that read at
 * once (`CLIENT UNBLOCK`, sent to the same server), so that the next read covers it. Entries read for
 * a key whose request was withdrawn meanwhile (an interrupt) are kept for that key's next request,
 * never more than one read's `COUNT`; when no request for it comes any more they are handed to `unread`.
 *
 * A read is only sent on a connection that is ready and whose client id is known: never queued
 * offline (where ioredis would start its blocking deadline early) and never re-sent after a
 * reconnect (the next read is sent instead).
 */
export class GroupReader {
  private reader: ReaderConnection;
  private clientId: number | undefined;
  /** Requests waiting for entries, by key, oldest first. */
  private readonly waiting = new Map<string, ReadRequest[]>();
  /** Entries read for a key whose request was gone when they came. */
  private readonly kept = new Map<string, ReadEntry[]>();
  /** Keys released while the read under way covers them: what it brings for them is handed back, not kept. */
  private readonly released = new Set<string>();
  /** Told once the read under way has answered (or failed): the releases that waited for it. */
  private afterRead: (() => void)[] = [];
  /** The keys of the read under way (`undefined`: none under way). */
  private reading: ReadonlySet<string> | undefined;
  private unblocking = false;
  /** The last read left keys out (see {@link nextRead}). */
  private partial = false;
  /** While a read's answers are handed out, until the next read is sent: the keys it answers. */
  private awaited: Set<string> | undefined;
  /** Answers are being handed out: a request made meanwhile is sent with the next read, after them. */
  private answering = false;
  private startQueued = false;
  private readyAlarm: Subscription | undefined;
  private closed = false;

  /**
   * @param key A key the reader reads (its server is the one connected to; on a cluster, keys of one slot only).
   * @param unread Told of entries read and never asked for again (the consumer handed them back).
   */
  constructor(
    private readonly connections: RedisConnections,
    private readonly key: string,
    private readonly group: string,
    private readonly consumer: string,
    private readonly scheduler: SchedulerLike,
    private readonly unread: (key: string, ids: string[]) => void,
  ) {
    this.reader = this.open();
  }

  /** Asks for up to `request.count` new entries of `request.key`; answered from what was kept at once, or by a read. */
  request(request: ReadRequest): void {
    if (this.closed) return request.answer([]);
    this.released.delete(request.key);
    const kept = this.kept.get(request.key);
    if (kept) {
      const entries = kept.splice(0, request.count);
      if (kept.length === 0) this.kept.delete(request.key);
      return request.answer(entries);
    }
    const queue = this.waiting.get(request.key);
    if (queue) queue.push(request);
    else this.waiting.set(request.key, [request]);
    if (this.reading) {
      if (!this.reading.has(request.key)) this.unblock();
    } else if (this.answering) {
      // a loop this read answered asks again (a read ahead, before it decodes what it got): read now, while the loops decode
      if (this.awaited?.has(request.key)) {
        this.awaited = undefined;
        this.start(true);
      }
    } else this.queueStart();
  }

  /** Withdraws a request (its loop no longer waits for it); entries a read under way brings for its key are kept. */
  withdraw(request: ReadRequest): void {
    const queue = this.waiting.get(request.key);
    const index = queue?.indexOf(request) ?? -1;
    if (!queue || index < 0) return;
    queue.splice(index, 1);
    if (queue.length === 0) this.waiting.delete(request.key);
  }

  /**
   * Hands back what was kept for `key` (its consumer loop ended), and what the read under way brings
   * for it: kept, it would answer a later loop of this consumer for the key (after another consumer
   * took the key's entries over and handled them), out of order. A read under way that covers the key
   * is ended (`CLIENT UNBLOCK`); the promise resolves once it has answered, so that from then on no
   * entry of the key can reach this consumer (another one that takes the key over then finds in the
   * group's pending list everything this one was given, before it reads anything new).
   */
  release(key: string): Promise<void> {
    let answered = Promise.resolve();
    if (this.reading?.has(key)) {
      this.released.add(key);
      answered = new Promise((resolve) => this.afterRead.push(resolve));
      this.unblock();
    }
    const kept = this.kept.get(key);
    if (kept) {
      this.kept.delete(key);
      this.unread(key, kept.map((entry) => entry.id));
    }
    return answered;
  }

  /** Closes the connection; waiting requests are answered `[]`. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.readyAlarm?.unsubscribe();
    for (const key of [...this.kept.keys()]) void this.release(key);
    const waiting = [...this.waiting.values()].flat();
    this.waiting.clear();
    for (const request of waiting) request.answer([]);
    this.reader.connection.disconnect();
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

  /** Starts a read after the requests made in the same turn have joined (a microtask, not a timer). */
  private queueStart(): void {
    if (this.startQueued || this.answering) return;
    this.startQueued = true;
    queueMicrotask(() => {
      this.startQueued = false;
      this.start();
    });
  }

  /** Sends the next read, unless one is under way or nobody waits (or answers are being handed out, unless `early`). */
  private start(early = false): void {
    if (this.closed || this.reading || (this.answering && !early) || this.waiting.size === 0) return;
    this.reconnectIfEnded();
    // a connection that is reconnecting may not have said 'close' yet: it is not ready for a read
    if (this.reader.connection.status !== 'ready') this.clientId = undefined;
    if (this.clientId === undefined) return this.waitForConnection();
    this.readyAlarm?.unsubscribe();
    this.readyAlarm = undefined;
    const { keys, count, deadline, partial } = this.nextRead();
    // a partial read does not block: the keys it leaves out are read right after it
    const block = partial ? undefined : Math.max(1, Math.floor(deadline - this.scheduler.now()));
    this.reading = new Set(keys);
    this.unblocking = false;
    this.partial = partial;
    const { connection } = this.reader;
    const started = performance.now();
    const args: (string | number)[] = ['GROUP', this.group, this.consumer, 'COUNT', count, ...(block === undefined ? [] : ['BLOCK', block]), 'STREAMS', ...keys];
    for (let index = 0; index < keys.length; index++) args.push('>');
    // read as bytes: decoded in one pass by toReadEntriesByStream (the hot path of consumption)
    untilClosed(connection, connection.callBuffer('XREADGROUP', ...args)).then(
      (reply) => {
        // No answer within BLOCK plus the grace: ioredis' guard gave up on a connection that may be
        // dead without a close event. Reconnect rather than queue the next read behind it. (Entries
        // the server may still hand to this read stay pending and are taken over after claimIdleAfterMs.)
        if (reply === null && block !== undefined && performance.now() - started >= block + BLOCKING_GRACE_MS) {
          this.clientId = undefined;
          connection.disconnect(true);
        }
        const byKey = new Map(toReadEntriesByStream(reply).map((stream) => [stream.key, stream.entries]));
        this.awaited = new Set(keys.filter((key) => (byKey.get(key)?.length ?? 0) > 0 && this.waiting.has(key)));
        this.finish(keys, (key) => this.answerFrom(key, byKey.get(key)));
      },
      (error: unknown) => {
        if (isRedisReply(error, 'MOVED') || isRedisReply(error, 'READONLY')) this.connections.refreshNodes(); // the next reads follow the slot
        const failure = this.closed ? undefined : this.connections.transportError('read', error);
        this.awaited = undefined;
        this.finish(keys, (key) => {
          const requests = this.waiting.get(key) ?? [];
          this.waiting.delete(key);
          for (const request of requests) {
            if (failure) request.fail(failure);
            else request.answer([]);
          }
        });
      },
    );
  }

  /**
   * The keys of the next read and its `COUNT`, which applies to each key: no more than any of them
   * asked for. Keys that asked for less than half of the largest request are left out (the read is
   * partial), so that one nearly full window does not shrink everyone's reads; the read after a
   * partial one covers every key, so none waits more than one read.
   */
  private nextRead(): { keys: string[]; count: number; deadline: number; partial: boolean } {
    const wanted: { key: string; count: number }[] = [];
    let largest = 1;
    let deadline = Infinity;
    for (const [key, queue] of this.waiting) {
      let count = Infinity;
      for (const request of queue) {
        count = Math.min(count, request.count);
        deadline = Math.min(deadline, request.deadline);
      }
      wanted.push({ key, count: Math.max(1, count) });
      largest = Math.max(largest, count);
    }
    const chosen = this.partial ? wanted : wanted.filter((key) => key.count * 2 >= largest);
    let count = Infinity;
    for (const key of chosen) count = Math.min(count, key.count);
    return { keys: chosen.map((key) => key.key), count, deadline, partial: chosen.length < wanted.length };
  }

  /**
   * Ends the read over `keys`: hands out what it brought (`settle` answers a key's requests), answers
   * expired requests, and starts the next read, unless the loops it answered asked again meanwhile
   * and it is under way already.
   */
  private finish(keys: readonly string[], settle: (key: string) => void): void {
    this.reading = undefined;
    const releases = this.afterRead;
    this.afterRead = [];
    this.answering = true;
    try {
      for (const key of keys) {
        settle(key);
        // a key released while a read sent early covers it stays marked for that read
        if (!this.isReading(key)) this.released.delete(key);
      }
      this.expire();
    } finally {
      this.answering = false;
      this.awaited = undefined;
    }
    for (const resolve of releases) resolve();
    this.start();
  }

  /**
   * Answers the oldest request of `key` with the entries the read brought for it (no more than it
   * asked for: the rest is kept), or keeps them when none waits, or hands them back when the key was
   * released. The request leaves the queue before it is answered, so its loop can ask again at once.
   */
  private answerFrom(key: string, entries: ReadEntry[] | undefined): void {
    if (!entries || entries.length === 0) return;
    const queue = this.waiting.get(key);
    const first = queue?.shift();
    if (queue?.length === 0) this.waiting.delete(key);
    if (first === undefined && this.released.has(key)) return this.unread(key, entries.map((entry) => entry.id));
    const rest = first === undefined ? entries : entries.slice(first.count);
    if (rest.length > 0) {
      const kept = this.kept.get(key);
      if (kept) kept.push(...rest);
      else this.kept.set(key, rest);
    }
    first?.answer(rest.length > 0 ? entries.slice(0, first.count) : entries);
  }

  /** Whether the read under way (if any) covers `key`. */
  private isReading(key: string): boolean {
    return this.reading?.has(key) === true;
  }

  /** Answers `[]` to requests whose deadline passed. */
  private expire(): void {
    const now = this.scheduler.now();
    for (const [key, queue] of [...this.waiting]) {
      const due = queue.filter((request) => request.deadline <= now);
      if (due.length === 0) continue;
      const rest = queue.filter((request) => request.deadline > now);
      if (rest.length > 0) this.waiting.set(key, rest);
      else this.waiting.delete(key);
      for (const request of due) request.answer([]);
    }
  }

  /** Ends the blocked read so that the next one covers a key it does not (once per read). */
  private unblock(): void {
    if (this.unblocking || this.clientId === undefined) return;
    this.unblocking = true;
    this.reader.unblock(this.clientId).catch(() => undefined);
  }

  /** Waits until the connection is ready and its client id known, or until the earliest request's deadline (then answers the expired ones). */
  private waitForConnection(): void {
    this.readyAlarm?.unsubscribe();
    let deadline = Infinity;
    for (const queue of this.waiting.values()) for (const request of queue) deadline = Math.min(deadline, request.deadline);
    this.readyAlarm = timer(Math.max(0, deadline - this.scheduler.now()), this.scheduler).subscribe(() => {
      this.readyAlarm = undefined;
      this.answering = true;
      try {
        this.expire();
      } finally {
        this.answering = false;
      }
      this.start();
    });
  }

  private learnClientId(reader: ReaderConnection): void {
    reader.connection.client('ID').then(
      (id) => {
        if (reader !== this.reader || this.closed) return;
        this.clientId = Number(id);
        if (!this.reading) this.start();
      },
      () => undefined,
    );
  }
}

/**
 * Settles like `read`, or rejects when the connection closes first: ioredis drops a command that
 * was waiting on a closed connection (it is not re-sent: `autoResendUnfulfilledCommands` is off).
 */
function untilClosed<R>(connection: ReaderConnection['connection'], read: Promise<R>): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const closed = () => reject(new ConnectionClosedError('the connection closed during a blocking read'));
    connection.once('close', closed);
    read.finally(() => connection.off('close', closed)).then(resolve, reject);
  });
}
