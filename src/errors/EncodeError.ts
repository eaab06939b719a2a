import { RxRedisEventsError } from './RxRedisEventsError';

/** A value given to `produce` cannot be encoded; nothing was written. Not retriable. */
export class EncodeError extends RxRedisEventsError {
  /** The stream the value was produced to. */
  readonly stream: string;
  /** Where in the value the problem is, as a property path such as `value.user.avatar`. */
  readonly path: string;

  constructor(stream: string, path: string, problem: string, cause?: unknown) {
    super(`cannot encode the event for stream "${stream}": ${path} ${problem}; nothing was written`, { cause });
    this.stream = stream;
    this.path = path;
  }
}
