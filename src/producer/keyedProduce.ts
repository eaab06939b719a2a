/**
 * The key of `EventService`'s produce with idempotency keys given by the caller (the stream's own
 * selector wins), through which `forwardTo` appends. Not exported from the package.
 */
export const PRODUCE_KEYED: unique symbol = Symbol('rx-redis-events.produceKeyed');
