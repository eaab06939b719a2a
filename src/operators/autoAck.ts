import { tap, type MonoTypeOperatorFunction } from 'rxjs';
import type { Settleable } from './ackAfter';

/**
 * Acks every delivery (or batch) the moment it arrives and passes it on: at-most-once processing
 * for consumers that would rather lose an event than see it twice.
 *
 * ```
 * source:  -a-b-c-|
 * result:  -a-b-c-|    each acked when it passes
 * ```
 *
 * A failed ack leaves the event pending on the broker and is reported through the service's `onError`.
 *
 * ## Example
 * ```ts
 * import { autoAck } from 'rx-redis-events';
 *
 * service.consume(Metrics.samples).pipe(autoAck()).subscribe((d) => gauge.set(d.value.load));
 * ```
 *
 * @returns An operator that acks and re-emits each item.
 * @see ackAfter
 */
export function autoAck<D extends Settleable>(): MonoTypeOperatorFunction<D> {
  return (source) => {
    let lastAck: Promise<void> | undefined;
    return source.pipe(
      tap((item) => {
        const acked = item.ack();
        // acks of one tick share one promise: handle each promise once, not once per event
        if (acked !== lastAck) acked.catch(() => undefined);
        lastAck = acked;
      }),
    );
  };
}
