import { Redis, type RedisOptions } from 'ioredis';

/** How to reach Redis: a URL (`redis://user:pass@host:6379/0`), ioredis options, or an existing client. */
export type RedisConnectionOption = string | RedisOptions | Redis;

/** The service's command connection and a way to open more (for blocking readers and pub/sub). */
export interface RedisConnections {
  /** Connection for every non-blocking command. */
  readonly command: Redis;
  /** Opens a new connection with the same settings (and `overrides`), owned by the caller. */
  duplicate(overrides?: Partial<RedisOptions>): Redis;
  /** Closes the command connection if the library created it; a client passed in by the user stays open. */
  close(): Promise<void>;
}

/** Opens (or adopts) the command connection. */
export function connectRedis(option: RedisConnectionOption): RedisConnections {
  const owned = !(option instanceof Redis);
  const command = option instanceof Redis ? option : typeof option === 'string' ? new Redis(option) : new Redis(option);
  // Failures surface through the commands that fail (and are retried or reported); without a
  // listener ioredis would print every reconnect attempt as an unhandled error event.
  if (owned) command.on('error', () => undefined);
  return {
    command,
    duplicate: (overrides) => command.duplicate(overrides),
    close: async () => {
      if (owned) await quietly(command);
    },
  };
}

/** Closes a connection, gracefully when it is up and at once otherwise. */
export async function quietly(connection: Redis): Promise<void> {
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
