import type { EventStream } from '../definitions/eventStream';
import type { GivenKeys } from './idempotencyKeys';

/** The service's produce with idempotency keys given by the caller (the stream's own selector wins), for `forwardTo`. */
export const PRODUCE_KEYED: unique symbol = Symbol('rx-redis-events.produceKeyed');

/** The part of `EventService` that `forwardTo` produces through. @internal */
export interface KeyedProducing {
  /** Produces `events` with `given` idempotency keys, unless the stream has a selector of its own; as `produce` otherwise. @internal */
  [PRODUCE_KEYED]<T>(stream: EventStream<T>, events: readonly T[], given: GivenKeys): Promise<string[]>;
}
