import { RxRedisEventsError } from './RxRedisEventsError';

/** A server the client is not connected to now, and the last error its connection met (if any). */
export interface Unreachable {
  /** `host:port`, a socket path, or a cluster's seed nodes; never a password. */
  readonly server: string;
  /** The last error the connection met (refused, unknown host, ...), if it met one. */
  readonly error: Error | undefined;
}

/** The broker did not answer in time (Redis down, paused or overloaded). Retriable. */
export class TimeoutError extends RxRedisEventsError {
  /** The operation that timed out, such as `produce`. */
  readonly operation: string;
  /** The stream or channel concerned. */
  readonly target: string;
  /** How long it waited, in ms. */
  readonly timeoutMs: number;
  /** The server, when the connection to it was not ready at the time (`host:port`, a socket path or a cluster's seed nodes). */
  readonly server: string | undefined;

  /**
   * @param unreachable The server and the last error its connection met, when the connection was not
   *   ready when the time ran out: the message names both, and the error is the `cause`.
   */
  constructor(operation: string, target: string, timeoutMs: number, unreachable?: Unreachable) {
    const broker = unreachable ? `the broker at ${unreachable.server}` : 'the broker';
    const why = unreachable?.error === undefined ? '' : ` (not connected: ${unreachable.error.message})`;
    super(`${operation} to "${target}" got no answer from ${broker} within ${timeoutMs} ms${why}; it may still be written, so a retry can duplicate it`, { retriable: true, cause: unreachable?.error });
    this.operation = operation;
    this.target = target;
    this.timeoutMs = timeoutMs;
    this.server = unreachable?.server;
  }
}
