import type { Settleable, Delivery, NackOptions } from '../../index';

/**
 * A delivery as the transport settles it: the handler sees `delivery` (the same delivery, whose
 * `ack`/`nack` it may call itself); once it has, the transport's own `ack`/`nack` leave it alone.
 */
export interface TrackedDelivery<T> extends Settleable {
  /** What the handler gets from `RxRedisEventsContext.getDelivery()`. */
  readonly delivery: Delivery<T>;
  /** Whether the handler has acked or nacked the delivery itself. */
  readonly settledByHandler: boolean;
}

/** Wraps a delivery so that the transport knows whether the handler settled it. */
export function trackSettled<T>(original: Delivery<T>): TrackedDelivery<T> {
  let settledByHandler = false;
  const delivery = new Proxy(original, {
    get(target, property) {
      if (property === 'ack') return () => ((settledByHandler = true), target.ack());
      if (property === 'nack') return (options?: NackOptions) => ((settledByHandler = true), target.nack(options));
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    delivery,
    get settledByHandler() {
      return settledByHandler;
    },
    deliveryCount: original.deliveryCount,
    ack: () => (settledByHandler ? Promise.resolve() : original.ack()),
    nack: (options?: NackOptions) => (settledByHandler ? Promise.resolve() : original.nack(options)),
  };
}
