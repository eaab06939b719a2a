import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { FakeDeliveryStream } from './fakeDeliveries';
import { labelObservable } from './internal/marbleLabels';
import { callsOf, recorderOf } from './internal/settleRecorder';

/** The assertion returned by {@link expectAcks}. */
export interface AcksExpectation {
  /** Asserts the frames of the acks, by delivery letter, such as `'---a-(bc)'`; checked at the scheduler's flush. */
  toBe(marbles: string): void;
}

/** The assertion returned by {@link expectNacks}. */
export interface NacksExpectation {
  /** Asserts the frames of the nacks, by delivery letter, and the `delayMs` of each letter listed in `delays`; checked at the scheduler's flush. */
  toBe(marbles: string, delays?: Readonly<Record<string, number>>): void;
}

/**
 * Asserts when the deliveries of a fake stream are acked, as a marble diagram of their letters.
 *
 * ```
 * deliveries:   -a-b-c|
 * acks:         ---a-(bc)    a acked at frame 3, b and c at frame 5
 * ```
 *
 * A delivery acks at most once (the first ack or nack wins), so a letter appears at most once.
 * The diagram has no `|`: acks never complete. Frames count from the current frame.
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
 * @param stream A stream made by {@link fakeDeliveries}.
 * @returns An expectation whose `toBe(marbles)` registers the assertion.
 * @throws TypeError when `stream` was not made by `fakeDeliveries`.
 * @see expectNacks
 */
export function expectAcks<T>(stream: FakeDeliveryStream<T>): AcksExpectation {
  const recorder = recorderOf(stream);
  return {
    toBe: (marbles) => {
      const acks = callsOf(recorder, 'ack').pipe(map((call) => call.id));
      labelObservable(acks, { title: 'acks differ', letterOf: String });
      recorder.helpers.expectObservable(acks).toBe(marbles);
    },
  };
}

/**
 * Asserts when the deliveries of a fake stream are nacked, as a marble diagram of their letters,
 * and with which delay when `delays` lists the letter.
 *
 * ```
 * deliveries:   -a-b|
 * nacks:        ---b       toBe('---b', { b: 500 }): b nacked at frame 3 with delayMs 500
 * ```
 *
 * A mismatch shows the delays beside each diagram: `expected: ---b  delays: b=500ms`.
 *
 * ## Example
 * ```ts
 * import { ackAfter } from 'rx-redis-events';
 * import { createTestScheduler, expectNacks, fakeDeliveries } from 'rx-redis-events/testing';
 *
 * createTestScheduler().run((helpers) => {
 *   const deliveries = fakeDeliveries(helpers, '-a-b|', { a: 1, b: -1 });
 *   const handler = (d: { value: number }) => { if (d.value < 0) throw new Error('negative'); };
 *   deliveries.pipe(ackAfter(handler, { retry: { delays: [500] } })).subscribe();
 *   expectNacks(deliveries).toBe('---b', { b: 500 });
 * });
 * ```
 *
 * @param stream A stream made by {@link fakeDeliveries}.
 * @returns An expectation whose `toBe(marbles, delays?)` registers the assertion.
 * @throws TypeError when `stream` was not made by `fakeDeliveries`.
 * @see expectAcks
 */
export function expectNacks<T>(stream: FakeDeliveryStream<T>): NacksExpectation {
  const recorder = recorderOf(stream);
  return {
    toBe: (marbles, delays) => {
      const compared = (id: string) => delays !== undefined && Object.hasOwn(delays, id);
      const observed = (id: string, delayMs: number | undefined) => (compared(id) ? { id, delayMs } : id);
      const nacks = callsOf(recorder, 'nack').pipe(map((call) => observed(call.id, call.delayMs)));
      labelObservable(nacks, { title: 'nacks differ', letterOf: letterOfNack, details: delaysOf });
      const values = delays && Object.fromEntries(lettersOf(marbles).map((letter) => [letter, observed(letter, delays[letter])]));
      recorder.helpers.expectObservable(nacks).toBe(marbles, values);
    },
  };
}

function letterOfNack(value: unknown): string {
  return typeof value === 'object' && value !== null ? String((value as { id: unknown }).id) : String(value);
}

/** `delays: a=500ms b=0ms` for the nacks whose delay is compared. */
function delaysOf(values: readonly unknown[]): string {
  const delays = values.flatMap((value) => (typeof value === 'object' && value !== null ? [value as { id: string; delayMs: unknown }] : []));
  return delays.length === 0 ? '' : `delays: ${delays.map(({ id, delayMs }) => `${id}=${String(delayMs)}ms`).join(' ')}`;
}

function lettersOf(marbles: string): string[] {
  return TestScheduler.parseMarbles(marbles, undefined, undefined, false, true).flatMap(({ notification }) =>
    notification.kind === 'N' ? [String(notification.value)] : [],
  );
}
