import { Redis, type RedisOptions } from 'ioredis';
import { TransportError } from '../../errors/TransportError';
import type { ConnectionRole } from '../../instrumentation/InstrumentationEvent';
import { tlsFailure } from './tlsFailure';

/**
 * ioredis options with a URL, for what a URL cannot hold (certificates):
 * `{ url: 'rediss://user:pass@host:6380', tls: { ca } }`. What the URL sets wins over the same option.
 */
export interface RedisUrlOptions extends RedisOptions {
  readonly url: string;
}

/** How to reach Redis: a URL (`redis://user:pass@host:6379/0`, `rediss://` for TLS), ioredis options (with or without `url`), or an existing client. */
export type RedisConnectionOption = string | RedisUrlOptions | RedisOptions | Redis;


/** Told when a connection is lost (ioredis starts reconnecting) and when it is ready again. */
export type ConnectionStateListener = (role: ConnectionRole, state: 'lost' | 'restored') => void;

/** The service's command connection and a way to open more (for blocking readers and pub/sub). */
export interface RedisConnections {
  /** Connection for every non-blocking command. */
  readonly command: Redis;
  /** Opens a new connection with the same settings (TLS and credentials included) and `overrides`, owned by the caller. */
  duplicate(role: Exclude<ConnectionRole, 'command'>, overrides?: Partial<RedisOptions>): Redis;
  /** Sets the one listener told about lost and restored connections (the service's instrumentation). */
  onStateChange(listener: ConnectionStateListener): void;
  /**
   * The `TransportError` for an operation that failed with `error`: once a connection met a TLS
   * failure (and stopped reconnecting), it names that failure and is not retriable.
   */
  transportError(operation: string, error: unknown): TransportError;
  /** Closes the command connection if the library created it; a client passed in by the user stays open. */
  close(): Promise<void>;
}

/** Opens (or adopts) the command connection. */
export function connectRedis(option: RedisConnectionOption): RedisConnections {
  const owned = !(option instanceof Redis);
  const command = option instanceof Redis ? option : open(option);
  let failure: Error | undefined;
  let stateListener: ConnectionStateListener | undefined;
  // ioredis emits 'reconnecting' only for a connection it did not close on purpose; 'ready' follows once it is back
  const followState = (connection: Redis, role: ConnectionRole) => {
    let lost = false;
    connection.on('reconnecting', () => {
      if (lost) return;
      lost = true;
      stateListener?.(role, 'lost');
    });
    connection.on('ready', () => {
      if (!lost) return;
      lost = false;
      stateListener?.(role, 'restored');
    });
    return connection;
  };
  // Failures surface through the commands that fail (and are retried or reported); without a
  // listener ioredis would print every reconnect attempt as an unhandled error event. A TLS failure
  // would come back at every attempt: the connection gives up, and its commands fail naming it.
  const watch = (connection: Redis) =>
    connection.on('error', (error: unknown) => {
      const tls = tlsFailure(error);
      if (!tls) return;
      failure ??= tls;
      connection.disconnect();
    });
  if (owned) watch(command);
  followState(command, 'command');
  return {
    command,
    duplicate: (role, overrides) => followState(watch(command.duplicate(overrides)), role),
    onStateChange: (listener) => void (stateListener = listener),
    transportError: (operation, error) => (failure ? new TransportError(operation, failure, { retriable: false }) : new TransportError(operation, error)),
    close: async () => {
      if (owned) await quietly(command);
    },
  };
}

function open(option: string | RedisUrlOptions | RedisOptions): Redis {
  if (typeof option === 'string') return new Redis(option);
  if ('url' in option && typeof option.url === 'string') {
    const { url, ...options } = option;
    return new Redis(url, options);
  }
  return new Redis(option);
}

/** Closes a connection, gracefully when it is up and at once otherwise. */
export async function quietly(connection: Redis): Promise<void> {
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
