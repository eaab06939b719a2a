import { RxRedisEventsError } from './RxRedisEventsError';

/** The broker did not answer in time (Redis down, paused or overloaded). Retriable. */
export class TimeoutError extends RxRedisEventsError {
  /** The operation that timed out, such as `produce`. */
  readonly operation: string;
  /** The stream or channel concerned. */
  readonly target: string;
  /** How long it waited, in ms. */
  readonly timeoutMs: number;

  constructor(operation: string, target: string, timeoutMs: number) {
    super(`${operation} to "${target}" got no answer from the broker within ${timeoutMs} ms; it may still be written, so a retry can duplicate it`, { retriable: true });
    this.operation = operation;
    this.target = target;
    this.timeoutMs = timeoutMs;
  }
}
