import type { SchedulerLike } from 'rxjs';
import { createDelivery, type Delivery } from '../../consumer/Delivery';

/** An `ack()` that reached the fake broker, at virtual frame `frame`. */
export interface AckCall {
  readonly op: 'ack';
  /** The delivery's id (its marble letter for {@link fakeDeliveries}). */
  readonly id: string;
  /** The clock's `now()` when the ack was called: the virtual frame under `TestScheduler.run`. */
  readonly frame: number;
}

/** A `nack()` that reached the fake broker, at virtual frame `frame`, with its delay and error. */
export interface NackCall {
  readonly op: 'nack';
  /** The delivery's id (its marble letter for {@link fakeDeliveries}). */
  readonly id: string;
  /** The clock's `now()` when the nack was called: the virtual frame under `TestScheduler.run`. */
  readonly frame: number;
  /** The requested redelivery delay in ms (0 when the nack gave none). */
  readonly delayMs: number;
  /** The error passed with the nack; absent when none was given. */
  readonly error?: unknown;
}

/** A `deadLetter()` that reached the fake broker, at virtual frame `frame`, with its reason. */
export interface DeadLetterCall {
  readonly op: 'deadLetter';
  /** The delivery's id (its marble letter for {@link fakeDeliveries}). */
  readonly id: string;
  /** The clock's `now()` when `deadLetter` was called: the virtual frame under `TestScheduler.run`. */
  readonly frame: number;
  /** The reason passed to `deadLetter`; absent when none was given. */
  readonly reason?: string;
}

/** One settling call recorded by a fake delivery. A delivery records at most one: the first ack, nack or deadLetter wins. */
export type SettleCall = AckCall | NackCall | DeadLetterCall;

/** The fields of a fake delivery; everything but `id` and `value` has a default. */
export interface FakeDeliveryFields<T> {
  /** The delivery id. */
  readonly id: string;
  /** The delivered value. */
  readonly value: T;
  /** The stream name. Default `'fake'`. */
  readonly stream?: string;
  /** The partition key. Default `undefined`. */
  readonly key?: string;
  /** The partition. Default 0. */
  readonly partition?: number;
  /** How many times the event was delivered, this delivery included. Default 1. */
  readonly deliveryCount?: number;
  /** When the broker accepted the event. Default `new Date(0)`. */
  readonly producedAt?: Date;
}

const ZERO_CLOCK: Pick<SchedulerLike, 'now'> = { now: () => 0 };

/**
 * Creates one `Delivery` that behaves like a real one (the first `ack`/`nack`/`deadLetter` wins,
 * invalid nack delays and dead-letter reasons reject) and hands each settling call to `record`, stamped with `scheduler.now()`.
 *
 * ```
 * d.ack() at frame 3, then d.nack() at frame 5
 * record:  ---a        only { op: 'ack', id: 'a', frame: 3 }: the nack returns the ack's promise
 * ```
 *
 * Use it for deliveries that are not driven by marbles, such as a handler that runs in real time;
 * {@link fakeDeliveries} builds on it for marble-driven streams.
 *
 * ## Example
 * ```ts
 * import { createFakeDelivery, type SettleCall } from 'rx-redis-events/testing';
 *
 * const calls: SettleCall[] = [];
 * const delivery = createFakeDelivery({ id: 'a', value: { jobId: 'job-1' } }, (call) => void calls.push(call));
 * await delivery.nack({ delayMs: 500 }); // calls: [{ op: 'nack', id: 'a', frame: 0, delayMs: 500 }]
 * ```
 *
 * @param fields The delivery's id, value and optional metadata.
 * @param record Receives each call; what it returns (a promise, or nothing for a resolved one) is what `ack`/`nack`/`deadLetter` return.
 * @param scheduler Clock of the recorded frames, such as the `TestScheduler`. Default: always 0.
 * @returns A delivery whose settling is recorded.
 * @see fakeDeliveries
 */
export function createFakeDelivery<T>(
  fields: FakeDeliveryFields<T>,
  record: (call: SettleCall) => Promise<void> | void,
  scheduler: Pick<SchedulerLike, 'now'> = ZERO_CLOCK,
): Delivery<T> {
  const settle = (call: SettleCall): Promise<void> => {
    try {
      return Promise.resolve(record(call));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  };
  const { id, value, stream = 'fake', key, partition = 0, deliveryCount = 1, producedAt = new Date(0) } = fields;
  return createDelivery(
    { id, value, stream, key, partition, deliveryCount, producedAt },
    {
      ack: (callId) => settle({ op: 'ack', id: callId, frame: scheduler.now() }),
      nack: (callId, _deliveryCount, delayMs, error) => {
        const call: NackCall = { op: 'nack', id: callId, frame: scheduler.now(), delayMs };
        return settle(error === undefined ? call : { ...call, error });
      },
      deadLetter: (callId, _deliveryCount, reason) => {
        const call: DeadLetterCall = { op: 'deadLetter', id: callId, frame: scheduler.now() };
        return settle(reason === undefined ? call : { ...call, reason });
      },
    },
  );
}
