import type { Observable, Subscription } from 'rxjs';
import type { Delivery } from './Delivery';

/**
 * An `AsyncIterable` over a stream of deliveries, for `for await`. Subscribes when the loop starts;
 * the deliveries the source emits while the loop body awaits wait in a queue, which the source's
 * `maxInFlight` bounds (every queued delivery is un-acked). Leaving the loop (`break`, `return`, a
 * throw) unsubscribes: the deliveries queued and never handed to the loop are given back with
 * `nack()` (they stay pending for redelivery), except one on its last allowed delivery
 * (`maxDeliveries`), which a nack would dead-letter and which stays unsettled. The source completing
 * ends the loop; its error is thrown by the loop.
 */
export function iterateDeliveries<T>(source: Observable<Delivery<T>>, maxDeliveries: number): AsyncIterable<Delivery<T>> {
  return { [Symbol.asyncIterator]: () => new DeliveryIterator(source, maxDeliveries) };
}

type Step<T> = IteratorResult<Delivery<T>, undefined>;

class DeliveryIterator<T> implements AsyncIterator<Delivery<T>, undefined> {
  private readonly queue: Delivery<T>[] = [];
  private waiting: { resolve: (step: Step<T>) => void; reject: (error: unknown) => void } | undefined;
  private subscription: Subscription | undefined;
  private ended: { readonly error?: unknown } | undefined;

  constructor(
    private readonly source: Observable<Delivery<T>>,
    private readonly maxDeliveries: number,
  ) {}

  next(): Promise<Step<T>> {
    if (!this.subscription && !this.ended) this.subscribe();
    const delivery = this.queue.shift();
    if (delivery) return Promise.resolve({ done: false, value: delivery });
    if (this.ended) return this.ended.error === undefined ? Promise.resolve({ done: true, value: undefined }) : this.rejected();
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  return(): Promise<Step<T>> {
    this.ended ??= {};
    this.subscription?.unsubscribe();
    for (const delivery of this.queue.splice(0)) if (delivery.deliveryCount < this.maxDeliveries) void delivery.nack().catch(() => undefined);
    this.settle({ done: true, value: undefined });
    return Promise.resolve({ done: true, value: undefined });
  }

  private subscribe(): void {
    this.subscription = this.source.subscribe({
      next: (delivery) => (this.waiting ? this.settle({ done: false, value: delivery }) : this.queue.push(delivery)),
      error: (error: unknown) => {
        this.ended = { error };
        if (this.waiting) this.fail(this.take());
      },
      complete: () => {
        this.ended ??= {};
        this.settle({ done: true, value: undefined });
      },
    });
  }

  private rejected(): Promise<never> {
    return new Promise((_, reject) => reject(this.take())); // eslint-disable-line @typescript-eslint/prefer-promise-reject-errors -- the source's error as it came
  }

  /** The source's error, thrown once: later calls of `next()` report the loop as done. */
  private take(): unknown {
    const error = this.ended?.error;
    this.ended = {};
    return error;
  }

  private settle(step: Step<T>): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve(step);
  }

  private fail(error: unknown): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }
}
