/** Options shared by every error of the library. */
export interface RxRedisEventsErrorOptions {
  /** Whether trying the same call again later may succeed (a connection fault) or not (bad input). */
  readonly retriable?: boolean;
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

/**
 * Base class of every runtime error raised by rx-redis-events.
 *
 * Programmer errors (a bad option, a missing name) are raised as plain `TypeError`/`RangeError`
 * at the call that got them and are never retriable. Everything else extends this class.
 */
export class RxRedisEventsError extends Error {
  /** Whether the same call may succeed when tried again later. */
  readonly retriable: boolean;

  constructor(message: string, options: RxRedisEventsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
  }
}

/** True when `error` is a library error that may succeed if the call is tried again. */
export function isRetriable(error: unknown): boolean {
  return error instanceof RxRedisEventsError && error.retriable;
}
