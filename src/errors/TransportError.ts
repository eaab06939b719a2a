import { RxRedisEventsError } from './RxRedisEventsError';

/** The broker (Redis) failed or could not be reached. Retriable. */
export class TransportError extends RxRedisEventsError {
  /** The operation that failed, such as `append` or `ack`. */
  readonly operation: string;

  constructor(operation: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`the broker failed during ${operation}: ${reason}`, { retriable: true, cause });
    this.operation = operation;
  }
}
