import { RxRedisEventsError } from './RxRedisEventsError';

/** An entry read from a stream cannot be decoded into a value. Not retriable. */
export class DecodeError extends RxRedisEventsError {
  /** The stream the entry was read from. */
  readonly stream: string;
  /** The entry's id. */
  readonly id: string;

  constructor(stream: string, id: string, problem: string, cause?: unknown) {
    super(`cannot decode entry ${id} of stream "${stream}": ${problem}`, { cause });
    this.stream = stream;
    this.id = id;
  }
}
