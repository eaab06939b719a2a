import { RxRedisEventsError } from './RxRedisEventsError';

/**
 * A value given to `produce` (or `broadcast`) encodes to more bytes than the service's
 * `maxMessageBytes`; nothing of the call was written. Not retriable: the value must shrink, or the
 * limit grow.
 */
export class MessageTooLargeError extends RxRedisEventsError {
  /** The stream (or broadcast channel) the value was produced to, without the prefix. */
  readonly stream: string;
  /** The encoded value's size in UTF-8 bytes. */
  readonly bytes: number;
  /** The limit it exceeds (`maxMessageBytes`). */
  readonly maxBytes: number;

  constructor(stream: string, bytes: number, maxBytes: number) {
    super(`cannot produce to "${stream}": the encoded event is ${bytes} bytes, more than maxMessageBytes (${maxBytes}); nothing was written`);
    this.stream = stream;
    this.bytes = bytes;
    this.maxBytes = maxBytes;
  }
}
