import { RxRedisEventsError } from './RxRedisEventsError';

/**
 * Why the broker failed, as the transport that met the failure classified it:
 *
 * - a Redis error reply, by its code: `NOGROUP` (the consumer group does not exist), `NOPERM`,
 *   `NOAUTH`, `WRONGPASS` (refused by ACL or authentication), `WRONGTYPE` (a key of another type),
 *   `OOM` (out of memory), `READONLY` (a replica answered), `MOVED`, `ASK`, `TRYAGAIN`,
 *   `CLUSTERDOWN` (cluster redirections and outages), `LOADING` (the server is loading its data),
 *   `BUSY` (a script runs too long), `BUSYGROUP` (the group exists already), `MASTERDOWN`,
 *   `NOREPLICAS`, `NOSCRIPT`;
 * - `CONNECTION`: no connection to the server (refused, reset, closed, or given up on);
 * - `TIMEOUT`: the server did not answer in time;
 * - `TLS`: the server's certificate or the TLS handshake was refused (the connection gave up);
 * - `DATABASE`: the server refused to select the database the connection asked for (no such
 *   database, or a user that may not `SELECT`): the connection gave up rather than use another one;
 * - `UNKNOWN`: anything else, such as an error reply of another code.
 */
export type TransportErrorCode =
  | 'NOGROUP'
  | 'NOPERM'
  | 'NOAUTH'
  | 'WRONGPASS'
  | 'WRONGTYPE'
  | 'OOM'
  | 'READONLY'
  | 'MOVED'
  | 'ASK'
  | 'TRYAGAIN'
  | 'CLUSTERDOWN'
  | 'LOADING'
  | 'BUSY'
  | 'BUSYGROUP'
  | 'MASTERDOWN'
  | 'NOREPLICAS'
  | 'NOSCRIPT'
  | 'CONNECTION'
  | 'TIMEOUT'
  | 'TLS'
  | 'DATABASE'
  | 'UNKNOWN';

/** How a transport describes a failure: its code and whether trying again may help. */
export interface TransportErrorOptions {
  /** Whether the same call may succeed later. Default true. */
  readonly retriable?: boolean;
  /** Why it failed. Default `UNKNOWN`. */
  readonly code?: TransportErrorCode;
  /** The server's address (`host:port`, a socket path, or a cluster's seed nodes; never a password), when the failure is about reaching it. */
  readonly server?: string;
}

/**
 * The broker (Redis) failed or could not be reached. The transport classifies the failure: `code`
 * says why, and it is retriable unless the broker refused the command for good (`NOPERM`,
 * `NOAUTH`, `WRONGPASS`, `WRONGTYPE`) or the connection cannot be made (`TLS`: a certificate the
 * client does not accept; `DATABASE`: a database the server refuses to select). A failure to reach the
 * server names it (`server`) and carries the last connection error as its `cause`.
 */
export class TransportError extends RxRedisEventsError {
  /** The operation that failed, such as `append` or `ack`. */
  readonly operation: string;
  /** Why it failed, as the transport classified it. */
  readonly code: TransportErrorCode;
  /** The server it could not reach or use (`host:port`, a socket path or a cluster's seed nodes), when the failure is about that. */
  readonly server: string | undefined;

  constructor(operation: string, cause: unknown, options: TransportErrorOptions = {}) {
    // by shape: a socket error may come from another realm (a test runner's sandbox), where instanceof Error is false
    const message = (cause as { message?: unknown } | null | undefined)?.message;
    const reason = typeof message === 'string' ? message : String(cause);
    const broker = options.server === undefined ? 'the broker' : `the broker at ${options.server}`;
    super(`${broker} failed during ${operation}: ${reason}`, { retriable: options.retriable ?? true, cause });
    this.operation = operation;
    this.code = options.code ?? 'UNKNOWN';
    this.server = options.server;
  }
}

/** True when `error` is a {@link TransportError} of `code`. */
export function isTransportError(error: unknown, code: TransportErrorCode): error is TransportError {
  return error instanceof TransportError && error.code === code;
}
