import calculateSlot from 'cluster-key-slot';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Observable, SchedulerLike } from 'rxjs';
import type { Unreachable } from '../../errors/TimeoutError';
import { TransportError } from '../../errors/TransportError';
import type { ConnectionRole } from '../../instrumentation/InstrumentationEvent';
import { ConnectionWatch, type ConnectionStateListener } from './connectionWatch';
import { redisOptionKind, type RedisConnectionOption, type RedisOptionKind } from './redisOption';

/** A connection that routes commands: one server, or a cluster (by key slot). */
export type RedisClient = Redis | Cluster;

export type { ConnectionStateListener } from './connectionWatch';

/** A connection for blocking reads of one key, on the server that holds the key. */
export interface ReaderConnection {
  readonly connection: Redis;
  /** The server it is connected to (`host:port`; `server` on a single server). */
  readonly node: string;
  /** Ends a blocked command of client `id` on that server (`CLIENT UNBLOCK`). */
  unblock(id: number): Promise<unknown>;
}

/** The service's command connection and a way to open more (for blocking readers and pub/sub). */
export interface RedisConnections {
  /** Connection for every non-blocking command (a `Cluster` routes each to the master of its key's slot). */
  readonly command: RedisClient;
  /** Whether `command` is a cluster. */
  readonly cluster: boolean;
  /**
   * The connection to publish on `channel`: the command connection, or on a cluster the pool's
   * connection to the master of the channel name's slot, so that the messages of one publisher to one
   * channel leave from one node and keep their order (the cluster bus forwards them to every node).
   */
  publisherFor(channel: string): RedisClient;
  /** Opens a subscriber connection with the same settings (TLS and credentials included), owned by the caller. */
  duplicateSubscriber(): RedisClient;
  /**
   * Opens a connection for blocking reads of `key` with `overrides`, owned by the caller: a copy of the
   * command connection, or on a cluster a connection to the master that serves the key's slot.
   */
  openReader(key: string, overrides: Partial<RedisOptions>): ReaderConnection;
  /**
   * The connection that commands on `key` go through now: the command connection, or on a cluster the
   * pool's connection to the master of the key's slot (`undefined` while the pool has none): where a
   * `WAIT` for what was written to `key` must go.
   */
  connectionOf(key: string): Redis | undefined;
  /** The server that serves `key` now (`server` on a single server); a reader whose node differs reconnects. */
  nodeOf(key: string): string;
  /** Asks a cluster client to learn the slot map again (after a `MOVED` reply seen outside it). */
  refreshNodes(): void;
  /** Sets the one listener told about lost and restored connections (the service's instrumentation). */
  onStateChange(listener: ConnectionStateListener): void;
  /**
   * The `TransportError` for an operation that failed with `error`: once a connection met a TLS
   * failure or a refused database (and stopped reconnecting), it names that failure and is not
   * retriable; while the server cannot be reached, it names the server and the last connection error.
   */
  transportError(operation: string, error: unknown): TransportError;
  /** The server and the last error of the command connection, when it is not ready now. */
  unreachable(): Unreachable | undefined;
  /** **Cold**: completes once the command connection is ready; errors with a `TransportError` naming the server otherwise (see `ConnectionWatch.ready`). */
  ready(timeoutMs: number, scheduler: SchedulerLike): Observable<void>;
  /** Closes the command connection if the library created it; a client passed in by the user stays open. */
  close(): Promise<void>;
}

/**
 * Opens (or adopts) the command connection. A client or cluster passed in is recognised by its
 * shape, so that one of ioredis 6 or of another copy of ioredis 5 is used as it is (never taken
 * for options); the library calls on it only what both majors have alike.
 *
 * @throws TypeError naming the option when `option` is neither a URL, options nor a client.
 */
export function connectRedis(option: RedisConnectionOption): RedisConnections {
  const chosen = redisOptionKind(option);
  const adopted = chosen.kind === 'client' || chosen.kind === 'cluster';
  const command = adopted ? (chosen.client as unknown as RedisClient) : open(chosen);
  const watch = new ConnectionWatch(command);
  const watched = <C extends RedisClient>(connection: C, role: ConnectionRole): C => watch.follow(watch.giveUpOnFatal(connection), role);
  if (!adopted) watch.giveUpOnFatal(command);
  watch.follow(command, 'command');
  const cluster = command.isCluster ? (command as Cluster) : undefined;
  return {
    command,
    cluster: cluster !== undefined,
    publisherFor: (channel) => {
      const name = cluster?.slots[calculateSlot(channel)]?.[0];
      return (cluster && name !== undefined ? poolMaster(cluster, name) : undefined) ?? command;
    },
    duplicateSubscriber: () => watched(command.duplicate(), 'subscriber'),
    openReader: (key, overrides) => openReader(command, key, overrides, (connection) => watched(connection, 'reader')),
    connectionOf: (key) => {
      if (!cluster) return command as Redis;
      const name = cluster.slots[calculateSlot(key)]?.[0];
      return name === undefined ? undefined : poolMaster(cluster, name);
    },
    nodeOf: (key) => (cluster ? (cluster.slots[calculateSlot(key)]?.[0] ?? UNKNOWN_NODE) : SINGLE_SERVER),
    refreshNodes: () => cluster?.refreshSlotsCache(),
    onStateChange: (listener) => watch.onStateChange(listener),
    transportError: (operation, error) => watch.transportError(operation, error),
    unreachable: () => watch.unreachable(),
    ready: (timeoutMs, scheduler) => watch.ready(timeoutMs, scheduler),
    close: async () => {
      if (!adopted) await quietly(command);
    },
  };
}

/** {@link RedisConnections.openReader} on `command`: the reader's connection is passed to `watched` as it opens. */
function openReader(command: RedisClient, key: string, overrides: Partial<RedisOptions>, watched: (connection: Redis) => Redis): ReaderConnection {
  if (!command.isCluster) {
    const server = command as Redis;
    return { connection: watched(server.duplicate(overrides)), node: SINGLE_SERVER, unblock: (id) => server.client('UNBLOCK', id) };
  }
  const cluster = command as Cluster;
  const { name, connection } = clusterReader(cluster, key, overrides);
  // unblock through the cluster's connection to that master as it is now (the pool replaces it after a loss); without one the read ends by its BLOCK time
  return { connection: watched(connection), node: name, unblock: async (id) => poolMaster(cluster, name)?.client('UNBLOCK', id) };
}

const SINGLE_SERVER = 'server';
/** The node name of a slot the cluster client has no master for yet (it has not loaded the slot map). */
const UNKNOWN_NODE = 'unknown';

/** The cluster client's connection to the master called `name` (`host:port`), if its pool holds one now. */
function poolMaster(cluster: Cluster, name: string): Redis | undefined {
  return cluster.nodes('master').find((node) => `${node.options.host}:${node.options.port}` === name);
}

/**
 * A reader connection for `key` on a cluster: to the master that serves the key's slot in the slot map
 * the cluster client holds now (refreshed on MOVED and every `slotsRefreshInterval`).
 *
 * The pool drops a node's connection as soon as it ends (its server died) and adds one back only at
 * the next slot refresh, while the slot map still names that node: meanwhile the reader connects to
 * the named address with the options of the pool's connections. (`duplicate()` on the `Cluster`
 * instead would make a whole cluster client, whose blocking reads ioredis does not guard and whose
 * `CLIENT ID` is an arbitrary node's.) Before the client has a slot map it connects to any node it
 * knows: its reads come back `MOVED`, the slot map is refreshed, and the next read follows the slot.
 */
function clusterReader(cluster: Cluster, key: string, overrides: Partial<RedisOptions>): { name: string; connection: Redis } {
  const name = cluster.slots[calculateSlot(key)]?.[0];
  if (name === undefined) {
    const any = cluster.nodes('all')[0];
    if (!any) throw new TransportError('read', new Error('the cluster client knows no node yet'), { code: 'CONNECTION' });
    return { name: UNKNOWN_NODE, connection: any.duplicate(overrides) };
  }
  const pooled = poolMaster(cluster, name);
  if (pooled) return { name, connection: pooled.duplicate(overrides) };
  const at = name.lastIndexOf(':');
  const address = { host: name.slice(0, at), port: Number(name.slice(at + 1)) };
  // as the pool makes its node connections: they do not reconnect by themselves unless the cluster options say so
  const options: RedisOptions = { retryStrategy: cluster.options.clusterNodeRetryStrategy ?? null, ...cluster.options.redisOptions, ...address, ...overrides };
  return { name, connection: new Redis(options) };
}

/**
 * Opens a client for `option` (a URL, options or a cluster's nodes; a client given is returned as it
 * is), as the service opens its command connection: for tools that reach Redis through the library.
 *
 * @throws TypeError naming the option when `option` is neither a URL, options nor a client.
 */
export function openClient(option: RedisConnectionOption): RedisClient {
  const chosen = redisOptionKind(option, 'redis option');
  return chosen.kind === 'client' || chosen.kind === 'cluster' ? (chosen.client as unknown as RedisClient) : open(chosen);
}

/**
 * A connection the library makes, without `CLIENT SETINFO` on connect (`disableClientInfo`, unless the
 * options say otherwise): a least-privilege ACL user may not run it (Redis 7.2 and later log each
 * refusal in `ACL LOG`), and Redis 7.0 does not know it.
 */
function open(chosen: Exclude<RedisOptionKind, { kind: 'client' | 'cluster' }>): RedisClient {
  switch (chosen.kind) {
    case 'clusterOptions':
      return new Cluster([...chosen.nodes], { ...chosen.options, redisOptions: { disableClientInfo: true, ...chosen.options.redisOptions } });
    case 'url':
      return new Redis(chosen.url, { disableClientInfo: true, ...chosen.options });
    case 'options':
      return new Redis({ disableClientInfo: true, ...chosen.options });
  }
}

/** Closes a connection, gracefully when it is up and at once otherwise. */
export async function quietly(connection: RedisClient): Promise<void> {
  // Closed for good already (after a TLS failure): disconnecting again would leave ioredis' 2 s socket timer running.
  if (connection.status === 'end') return;
  if (connection.status === 'ready') {
    try {
      await connection.quit();
      return;
    } catch {
      // fall through to disconnect
    }
  }
  connection.disconnect();
}
