import { RxRedisEventsError } from './RxRedisEventsError';

/**
 * Replies that trying again cannot fix: a missing permission (ACL), failed authentication, or a key
 * that holds another type than the library expects.
 */
const PERMANENT_REPLY = /^(NOPERM|NOAUTH|WRONGPASS|WRONGTYPE)\b/;

/**
 * The broker (Redis) failed or could not be reached. Retriable, unless the broker refused the
 * command for good (`NOPERM`, `NOAUTH`, `WRONGPASS`, `WRONGTYPE`) or the transport says so (a TLS
 * certificate the client does not accept).
 */
export class TransportError extends RxRedisEventsError {
  /** The operation that failed, such as `append` or `ack`. */
  readonly operation: string;

  constructor(operation: string, cause: unknown, options: { readonly retriable?: boolean } = {}) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`the broker failed during ${operation}: ${reason}`, { retriable: options.retriable ?? !PERMANENT_REPLY.test(reason), cause });
    this.operation = operation;
  }
}
