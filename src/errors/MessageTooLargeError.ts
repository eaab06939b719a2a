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
  /** What was refused: an event of `produce`, or a message of `broadcast`. */
  readonly operation: 'produce' | 'broadcast';

  constructor(stream: string, bytes: number, maxBytes: number, operation: 'produce' | 'broadcast' = 'produce') {
    const what = operation === 'produce' ? 'produce to' : 'broadcast to';
    const refused = operation === 'produce' ? 'event is' : 'message is';
    super(`cannot ${what} "${stream}": the encoded ${refused} ${bytes} bytes, more than maxMessageBytes (${maxBytes}); nothing was ${operation === 'produce' ? 'written' : 'published'}`);
    this.stream = stream;
    this.bytes = bytes;
    this.maxBytes = maxBytes;
    this.operation = operation;
  }
}
