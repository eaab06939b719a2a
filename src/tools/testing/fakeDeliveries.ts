import { Subject, type Observable } from 'rxjs';
import { TestScheduler, type RunHelpers } from 'rxjs/testing';
import type { Delivery } from '../../consumer/Delivery';
import { createFakeDelivery, type SettleCall } from './createFakeDelivery';
import { registerRecorder } from './internal/settleRecorder';

/** A subscription as `TestScheduler` logs it (frames of `^` and `!`): what `expectSubscriptions` reads. */
export type SubscriptionLog = ReturnType<typeof TestScheduler.parseMarblesAsSubscriptions>;

/** Options of {@link fakeDeliveries}. */
export interface FakeDeliveriesOptions<T> {
  /** Emit from a hot Observable (`helpers.hot`: `^` marks the subscription frame) instead of a cold one. Default false. */
  readonly hot?: boolean;
  /** The `stream` of every delivery. Default `'fake'`. */
  readonly stream?: string;
  /** Computes each delivery's `key` from its value. Default: no key (`undefined`). */
  readonly key?: (value: T) => string;
  /** The `deliveryCount` of the delivery of each letter, such as `{ b: 3 }`. Default 1. */
  readonly deliveryCount?: Readonly<Record<string, number>>;
  /** The error of the `#` marble. Default `'error'`, as in `TestScheduler`. */
  readonly error?: unknown;
  /** What `ack()`/`nack()`/`deadLetter()` return for a call, such as a rejected promise to play a broker failure. Default: a resolved promise. */
  readonly settle?: (call: SettleCall) => Promise<void>;
}

/** The deliveries of a marble diagram, with every ack, nack and deadLetter they received. */
export interface FakeDeliveryStream<T, K extends string = string> extends Observable<Delivery<T>> {
  /** The subscriptions to this stream, for `expectSubscriptions`, as on a cold or hot test Observable. */
  readonly subscriptions: SubscriptionLog[];
  /** The delivery of each letter (of the marbles and of `values`): the same object each time the letter is emitted. */
  readonly deliveries: Readonly<Record<K, Delivery<T>>>;
  /** Every ack, nack and deadLetter, in call order; a delivery records at most one (the first wins). */
  readonly calls: readonly SettleCall[];
}

/**
 * **Cold** (**hot** with `{ hot: true }`) test Observable of the deliveries of a marble diagram, whose
 * `ack`/`nack`/`deadLetter` calls are recorded with their virtual frame; unsubscribing drops the rest of the diagram.
 *
 * Cold, each subscriber gets the diagram from its own subscription frame; hot, all share one
 * timeline from `^`. Either way the deliveries, and so their recorded calls, are shared.
 *
 * ```
 * fakeDeliveries(helpers, '-a-b|', { a: 1, b: 2 })
 * emits:   -a-b|    a = { id: 'a', value: 1, stream: 'fake', deliveryCount: 1, producedAt: new Date(1), … }
 * ```
 *
 * Each letter is one delivery: its `id` is the letter, `value` is `values[letter]` (the letter
 * itself without `values`), `producedAt` is `new Date(frame)` of the letter's first frame in the
 * diagram. Assert the settling with {@link expectAcks}, {@link expectNacks} and
 * {@link expectDeadLetters}, or read `calls`.
 *
 * A diagram without `|` never completes: if a timer follows it (`batch`, `interval`), end the
 * subscription (`takeUntil(helpers.cold('1s x'))`, or `expectObservable(result, '^ 1s !')`),
 * otherwise virtual time never runs out and `run()` never returns.
 *
 * ## Example
 * ```ts
 * import { autoAck } from 'rx-redis-events';
 * import { createTestScheduler, expectAcks, fakeDeliveries } from 'rx-redis-events/testing';
 *
 * createTestScheduler().run((helpers) => {
 *   const deliveries = fakeDeliveries(helpers, '-a-b|', { a: 1, b: 2 });
 *   helpers.expectObservable(deliveries.pipe(autoAck())).toBe('-a-b|', deliveries.deliveries);
 *   expectAcks(deliveries).toBe('-a-b');
 * });
 * ```
 *
 * @param helpers The helpers of `testScheduler.run`.
 * @param marbles A diagram in run mode (one frame per character, `(ab)` groups, `|`, `#`, `10ms`, and `^` when hot).
 * @param values The value of each letter.
 * @param options Hot or cold, stream, key, delivery counts, the `#` error and the settle result.
 * @returns The Observable, its deliveries by letter and its recorded calls.
 * @see expectAcks
 * @see expectNacks
 * @see expectDeadLetters
 * @see createFakeDelivery
 */
export function fakeDeliveries<T = string, K extends string = string>(
  helpers: RunHelpers,
  marbles: string,
  values?: Readonly<Record<K, T>>,
  options: FakeDeliveriesOptions<T> = {},
): FakeDeliveryStream<T, K> {
  const calls: SettleCall[] = [];
  const recorded = new Subject<SettleCall>();
  const clock = { now: () => 0 };
  const settle = options.settle ?? (() => Promise.resolve());
  const record = (call: SettleCall): Promise<void> => {
    calls.push(call);
    recorded.next(call);
    return settle(call);
  };
  const frames = firstFrames(marbles);
  const letters = new Set([...Object.keys(values ?? {}), ...frames.keys()]);
  const deliveries: Record<string, Delivery<T>> = {};
  for (const letter of letters) {
    const value = (values ? (values as Record<string, T>)[letter] : letter) as T;
    const fields = { id: letter, value, stream: options.stream, key: options.key?.(value), deliveryCount: options.deliveryCount?.[letter] };
    deliveries[letter] = createFakeDelivery({ ...fields, producedAt: new Date(frames.get(letter) ?? 0) }, record, clock);
  }
  const source = options.hot ? helpers.hot(marbles, deliveries, options.error) : helpers.cold(marbles, deliveries, options.error);
  clock.now = () => source.scheduler.now();
  const stream = Object.assign(source, { deliveries: deliveries as Record<K, Delivery<T>>, calls });
  registerRecorder(stream, { helpers, calls, recorded, now: clock.now });
  return stream;
}

/** The first frame of each letter of a run-mode diagram. */
function firstFrames(marbles: string): Map<string, number> {
  const frames = new Map<string, number>();
  for (const { frame, notification } of TestScheduler.parseMarbles(marbles, undefined, undefined, false, true)) {
    if (notification.kind === 'N' && !frames.has(String(notification.value))) frames.set(String(notification.value), frame);
  }
  return frames;
}
