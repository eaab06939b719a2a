import { Redis } from 'ioredis';

/** The CLI's connection settings. */
export interface Target {
  readonly url: string;
  readonly prefix: string;
}

/** The target from `--url`/`REDIS_URL` and `--prefix`. */
export function targetOf(values: { url?: string; prefix?: string }, env: NodeJS.ProcessEnv): Target {
  return { url: values.url ?? env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: values.prefix ?? '' };
}

/** A failure to reach Redis: one line, exit code 1. */
export class ConnectionFailure extends Error {
  override name = 'ConnectionFailure';
}

/**
 * Connects, failing at once (no reconnect loop) when Redis cannot be reached: a command-line tool
 * should say so and exit, not wait.
 */
export async function connect(url: string): Promise<Redis> {
  const redis = new Redis(url, { retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 5000 });
  let failure: unknown;
  redis.on('error', (error: unknown) => void (failure ??= error)); // later failures surface through the commands
  const ready = await new Promise<boolean>((resolve) => {
    redis.once('ready', () => resolve(true));
    redis.once('end', () => resolve(false));
  });
  if (!ready) {
    redis.disconnect();
    throw new ConnectionFailure(`cannot connect to ${redact(url)}: ${failure instanceof Error ? failure.message : 'connection closed'}`);
  }
  return redis;
}

/** The URL without its password. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
