import type { Redis } from 'ioredis';

/** What one `WAIT` answered, and on which socket it was sent. */
interface WaitReply {
  readonly socket: unknown;
  /** Replicas that confirmed; 0 when the socket changed under the `WAIT` (ioredis sent it again on a new connection). */
  readonly replicas: number;
}

/** The `WAIT`s of one connection: at most one in flight, and the next one that every later caller shares. */
interface ConnectionWaits {
  inFlight: Promise<WaitReply> | undefined;
  next: Promise<WaitReply> | undefined;
}

/**
 * `WAIT numreplicas timeout` on the connections of one transport.
 *
 * Redis answers a `WAIT` once the replicas have everything the *connection* wrote before it, so it
 * must go on the connection that wrote (on a cluster, the pool's connection to the key's master), and
 * one `WAIT` serves every write its connection sent before it. A `WAIT` blocks its connection on the
 * server until it answers, so at most one is in flight per connection, and the callers that come
 * meanwhile share the next one. A write on one socket says nothing of a `WAIT` on another (a new
 * connection has written nothing, so its `WAIT` answers at once): when the socket changed between the
 * caller's write and the answer, the caller gets 0 replicas.
 */
export class ReplicaWaits {
  private readonly byConnection = new WeakMap<Redis, ConnectionWaits>();

  /**
   * Resolves with how many replicas have what `connection` wrote before this call, waiting at most
   * `timeoutMs` on the server for `replicas` of them. Call it right after the write's reply, in the
   * same turn.
   */
  async wait(connection: Redis, replicas: number, timeoutMs: number): Promise<number> {
    const socket = connection.stream;
    const reply = await this.shared(connection, replicas, timeoutMs);
    return reply.socket === socket ? reply.replicas : 0;
  }

  private shared(connection: Redis, replicas: number, timeoutMs: number): Promise<WaitReply> {
    let waits = this.byConnection.get(connection);
    if (!waits) this.byConnection.set(connection, (waits = { inFlight: undefined, next: undefined }));
    if (waits.next) return waits.next;
    const state = waits;
    if (!state.inFlight) return this.send(state, connection, replicas, timeoutMs);
    const start = () => {
      state.next = undefined;
      return this.send(state, connection, replicas, timeoutMs);
    };
    return (state.next = state.inFlight.then(start, start));
  }

  private send(state: ConnectionWaits, connection: Redis, replicas: number, timeoutMs: number): Promise<WaitReply> {
    const socket = connection.stream;
    const sent = connection.wait(replicas, timeoutMs).then((count) => ({ socket, replicas: connection.stream === socket ? count : 0 }));
    state.inFlight = sent;
    const done = () => {
      if (state.inFlight === sent) state.inFlight = undefined;
    };
    sent.then(done, done);
    return sent;
  }
}
