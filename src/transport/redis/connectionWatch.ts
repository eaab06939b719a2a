import type { Cluster, Redis } from 'ioredis';
import { Observable, timer, type SchedulerLike } from 'rxjs';
import type { Unreachable } from '../../errors/TimeoutError';
import { TransportError } from '../../errors/TransportError';
import type { ConnectionRole } from '../../instrumentation/InstrumentationEvent';
import { databaseRefusal } from './databaseRefusal';
import { classifyRedisError, isErrorLike, redisTransportError } from './redisErrors';
import { tlsFailure } from './tlsFailure';

/** A connection the watch follows: a client or a cluster. */
type WatchedConnection = Redis | Cluster;

/** Told when a connection is lost (ioredis starts reconnecting) and when it is ready again. */
export type ConnectionStateListener = (role: ConnectionRole, state: 'lost' | 'restored') => void;

/**
 * What the connections of one service met: the server they go to, the last error of the command
 * connection since it was last ready, and a failure reconnecting cannot fix (a refused TLS certificate
 * or handshake, a database the server refuses to select), after which the connections give up. Every
 * `TransportError` of the transport is made here, so that one met while the server cannot be reached
 * names the server and carries the connection's error.
 */
export class ConnectionWatch {
  /** The server's address for messages: `host:port`, a socket path, or a cluster's seed nodes (never a password). */
  readonly server: string;
  private failure: Error | undefined;
  private lastError: Error | undefined;
  private listener: ConnectionStateListener | undefined;

  constructor(private readonly command: WatchedConnection) {
    this.server = serverNameOf(command);
    command.on('error', (error: unknown) => {
      if (isErrorLike(error)) this.lastError = (error as Error & { lastNodeError?: Error }).lastNodeError ?? error;
    });
    command.on('ready', () => void (this.failure || (this.lastError = undefined)));
  }

  /** Sets the one listener told about lost and restored connections. */
  onStateChange(listener: ConnectionStateListener): void {
    this.listener = listener;
  }

  /**
   * Makes `connection`, which the library opened, give up on a failure reconnecting cannot fix: a TLS
   * failure would come back at every attempt, and after a refused `SELECT` ioredis would carry on in
   * database 0. Its commands then fail naming the failure. Also keeps ioredis from printing every
   * reconnect attempt as an unhandled error event (failures surface through the commands that fail).
   */
  giveUpOnFatal<C extends WatchedConnection>(connection: C): C {
    connection.on('error', (error: unknown) => {
      const fatal = tlsFailure(error) ?? databaseRefusal(error);
      if (!fatal) return;
      this.failure ??= fatal;
      connection.disconnect();
    });
    return connection;
  }

  /** Tells the listener once when `connection` is lost and once when it is ready again. */
  follow<C extends WatchedConnection>(connection: C, role: ConnectionRole): C {
    let lost = false;
    // ioredis emits 'reconnecting' only for a connection it did not close on purpose; 'ready' follows once it is back
    connection.on('reconnecting', () => {
      if (lost) return;
      lost = true;
      this.listener?.(role, 'lost');
    });
    connection.on('ready', () => {
      if (!lost || this.failure) return;
      lost = false;
      this.listener?.(role, 'restored');
    });
    return connection;
  }

  /** The server and the last error of the command connection, when it is not ready now (or gave up). */
  unreachable(): Unreachable | undefined {
    if (this.failure) return { server: this.server, error: this.failure };
    return this.command.status === 'ready' ? undefined : { server: this.server, error: this.lastError };
  }

  /**
   * The `TransportError` for `operation` that failed with `error`: once a connection gave up, that
   * failure; a connection failure while the command connection is not ready, the last error it met
   * (refused, unknown host, reset), naming the server; otherwise `error` classified.
   */
  transportError(operation: string, error: unknown): TransportError {
    if (this.failure) return redisTransportError(operation, this.failure, this.server);
    if (classifyRedisError(error).code !== 'CONNECTION') return redisTransportError(operation, error);
    return this.connectionError(operation, (this.command.status !== 'ready' && this.lastError) || (error as Error));
  }

  /**
   * **Cold**: emits and completes once the command connection is ready; errors with a `TransportError`
   * naming the server when it is not within `timeoutMs` (on `scheduler`), and at once when it gave up
   * or the server refused the credentials.
   */
  ready(timeoutMs: number, scheduler: SchedulerLike): Observable<void> {
    return new Observable<void>((subscriber) => {
      const { command } = this;
      const settle = (error?: unknown) => {
        if (this.failure) return subscriber.error(this.transportError('connect', this.failure));
        if (command.status === 'ready') return (subscriber.next(), subscriber.complete());
        if (error !== undefined && !classifyRedisError(error).retriable) return subscriber.error(redisTransportError('connect', error, this.server));
        if (command.status === 'end') subscriber.error(this.connectionError('connect', this.lastError ?? new Error('the connection was closed')));
      };
      const onEvent = (error?: unknown) => settle(error);
      const alarm = Number.isFinite(timeoutMs) ? timer(timeoutMs, scheduler).subscribe(() => subscriber.error(this.connectionError('connect', this.lastError ?? new Error(`not ready within ${timeoutMs} ms`)))) : undefined;
      for (const event of EVENTS) command.on(event, onEvent);
      settle();
      return () => {
        alarm?.unsubscribe();
        for (const event of EVENTS) command.off(event, onEvent);
      };
    });
  }

  /** A failure to reach the server, with `cause` (code `CONNECTION` unless the cause says more, such as `TLS`). */
  private connectionError(operation: string, cause: Error): TransportError {
    const { code, retriable } = classifyRedisError(cause);
    return new TransportError(operation, cause, { code: code === 'UNKNOWN' ? 'CONNECTION' : code, retriable, server: this.server });
  }
}

/** The events after which the command connection may be ready, or never will be. */
const EVENTS = ['ready', 'end', 'error'] as const;

/** `host:port` (or the socket path) of a client, the seed nodes of a cluster: what the connection was told, never its password. */
export function serverNameOf(connection: { readonly options: object }): string {
  const startupNodes = (connection as { startupNodes?: unknown }).startupNodes;
  if (Array.isArray(startupNodes)) return startupNodes.map((node) => (typeof node === 'object' && node !== null ? addressOf(node as AddressOptions) : nodeAddress(node))).join(',');
  return addressOf(connection.options);
}

interface AddressOptions {
  readonly host?: string;
  readonly port?: number | string;
  readonly path?: string;
}

function addressOf({ host, port, path }: AddressOptions): string {
  return path ? path : `${host ?? 'localhost'}:${port ?? 6379}`;
}

/** A cluster seed node given as a URL (`redis://:pw@h:6379`), a port or a `host:port`: its `host:port`, never a password. */
function nodeAddress(node: unknown): string {
  if (typeof node === 'number') return `localhost:${node}`;
  const text = String(node);
  if (!text.includes('://')) return /^\d+$/.test(text) ? `localhost:${text}` : text.replace(/^.*@/, '');
  try {
    const url = new URL(text);
    return `${url.hostname}:${url.port || 6379}`;
  } catch {
    return '(a seed node that is not a URL)';
  }
}
