import type { EventStream } from '../definitions/eventStream';
import { EncodeError } from '../errors/EncodeError';

/** Idempotency keys given with the events of one call, and how long they are remembered. @internal */
export interface GivenKeys {
  readonly keys: readonly string[];
  readonly windowMs: number;
}

/**
 * The idempotency keys of a call's events by the stream's selector, or `undefined` for a stream
 * without one; throws an `EncodeError` naming the stream for a selector that throws or returns a
 * non-string (before anything of the call is written).
 */
export function idempotencyKeysOf<T>(stream: EventStream<T>, events: readonly T[]): GivenKeys | undefined {
  const idempotency = stream.idempotency;
  if (!idempotency) return undefined;
  const keys = events.map((event, index) => {
    let key: unknown;
    try {
      key = idempotency.key(event);
    } catch (error) {
      throw new EncodeError(stream.name, `idempotency.key(events[${index}])`, `threw: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    if (typeof key !== 'string') throw new EncodeError(stream.name, `idempotency.key(events[${index}])`, `returned ${key === null ? 'null' : typeof key}, expected a string`);
    return key;
  });
  return { keys, windowMs: idempotency.windowMs };
}
