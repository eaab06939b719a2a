import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { FakeDeliveryStream } from './fakeDeliveries';
import { labelObservable } from './internal/marbleLabels';
import { callsOf, recorderOf } from './internal/settleRecorder';

/** The assertion returned by {@link expectDeadLetters}. */
export interface DeadLettersExpectation {
  /**
   * Asserts the frames of the dead-letterings, by delivery letter, and the reason of each letter
   * listed in `reasons` (`undefined` for a `deadLetter()` without one); checked at the scheduler's flush.
   */
  toBe(marbles: string, reasons?: Readonly<Record<string, string | undefined>>): void;
}

/**
 * Asserts when the deliveries of a fake stream are dead-lettered (`delivery.deadLetter(reason)`, or
 * `ackAfter` with `deadLetterIf`), as a marble diagram of their letters, and with which reason when
 * `reasons` lists the letter.
 *
 * ```
 * deliveries:    -a-b|
 * dead letters:  ---b      toBe('---b', { b: 'no such job' }): b dead-lettered at frame 3 with that reason
 * ```
 *
 * A delivery settles at most once (the first ack, nack or deadLetter wins), so a letter appears at
 * most once. A mismatch shows the reasons beside each diagram: `expected: ---b  reasons: b="no such job"`.
 *
 * ## Example
 * ```ts
 * import { ackAfter } from 'rx-redis-events';
 * import { createTestScheduler, expectDeadLetters, fakeDeliveries } from 'rx-redis-events/testing';
 *
 * createTestScheduler().run((helpers) => {
 *   const deliveries = fakeDeliveries(helpers, '-a-b|', { a: 1, b: -1 });
 *   const handler = (d: { value: number }) => { if (d.value < 0) throw new RangeError('negative'); };
 *   deliveries.pipe(ackAfter(handler, { deadLetterIf: (error) => error instanceof RangeError })).subscribe();
 *   expectDeadLetters(deliveries).toBe('---b', { b: 'negative' });
 * });
 * ```
 *
 * @param stream A stream made by {@link fakeDeliveries}.
 * @returns An expectation whose `toBe(marbles, reasons?)` registers the assertion.
 * @throws TypeError when `stream` was not made by `fakeDeliveries`.
 * @see expectAcks
 * @see expectNacks
 */
export function expectDeadLetters<T>(stream: FakeDeliveryStream<T>): DeadLettersExpectation {
  const recorder = recorderOf(stream);
  return {
    toBe: (marbles, reasons) => {
      const compared = (id: string) => reasons !== undefined && Object.hasOwn(reasons, id);
      const observed = (id: string, reason: string | undefined) => (compared(id) ? { id, reason } : id);
      const letters = callsOf(recorder, 'deadLetter').pipe(map((call) => observed(call.id, call.reason)));
      labelObservable(letters, { title: 'dead letters differ', letterOf, details: reasonsOf });
      const values = reasons && Object.fromEntries(lettersOf(marbles).map((letter) => [letter, observed(letter, reasons[letter])]));
      recorder.helpers.expectObservable(letters).toBe(marbles, values);
    },
  };
}

function letterOf(value: unknown): string {
  return typeof value === 'object' && value !== null ? String((value as { id: unknown }).id) : String(value);
}

/** `reasons: a="bad" b=undefined` for the dead-letterings whose reason is compared. */
function reasonsOf(values: readonly unknown[]): string {
  const compared = values.flatMap((value) => (typeof value === 'object' && value !== null ? [value as { id: string; reason: string | undefined }] : []));
  return compared.length === 0 ? '' : `reasons: ${compared.map(({ id, reason }) => `${id}=${reason === undefined ? 'undefined' : JSON.stringify(reason)}`).join(' ')}`;
}

function lettersOf(marbles: string): string[] {
  return TestScheduler.parseMarbles(marbles, undefined, undefined, false, true).flatMap(({ notification }) =>
    notification.kind === 'N' ? [String(notification.value)] : [],
  );
}
