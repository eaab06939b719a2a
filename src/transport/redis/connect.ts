import { Redis, type RedisOptions } from 'ioredis';
import { TransportError } from '../../errors/TransportError';
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

/** The service's command connection and a way to open more (for blocking readers and pub/sub). */
export interface RedisConnections {
  /** Connection for every non-blocking command. */
  readonly command: Redis;
  /** Opens a new connection with the same settings (TLS and credentials included) and `overrides`, owned by the caller. */
  duplicate(overrides?: Partial<RedisOptions>): Redis;
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
  return {
    command,
    duplicate: (overrides) => watch(command.duplicate(overrides)),
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
