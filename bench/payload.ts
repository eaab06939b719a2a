import { eventStream } from 'rx-redis-events';

/** The event every scenario produces: a string key, a `Date`, numbers, a small array, a nested object (~200 bytes as superjson). */
export interface BenchEvent {
  readonly id: string;
  readonly at: Date;
  readonly amount: number;
  readonly qty: number;
  /** `performance.timeOrigin + performance.now()` when the event was produced (the latency scenario reads it). */
  readonly sentAt: number;
  readonly tags: readonly string[];
  readonly customer: { readonly id: string; readonly tier: number };
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across the producer and the handler of one process. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The `n`th event; every field varies a little so no encoder can cache a whole value. */
export function makeEvent(n: number): BenchEvent {
  return {
    id: `order-${String(n).padStart(6, '0')}`,
    at: new Date(),
    amount: 1000 + (n % 1000) + 0.56,
    qty: 1 + (n % 5),
    sentAt: nowMs(),
    tags: ['express', n % 2 === 0 ? 'gift' : 'bulk'],
    customer: { id: `c-${n % 100}`, tier: n % 3 },
  };
}

/** `count` events, numbered from `first`. */
export function makeEvents(count: number, first = 0): BenchEvent[] {
  return Array.from({ length: count }, (_, index) => makeEvent(first + index));
}

/** Splits `items` into chunks of `size` (the last one may be shorter). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/**
 * The stream every scenario uses, without a partition key selector: the library then writes the
 * same single `v` field as the hand-written baselines, so both put the same bytes on the wire.
 */
export const Orders = eventStream<BenchEvent>('bench.orders');

/** The same stream with idempotency keys (the order id): the library records each key for 10 minutes. */
export const KeyedOrders = eventStream<BenchEvent>('bench.orders', { idempotency: { key: (order) => order.id } });
