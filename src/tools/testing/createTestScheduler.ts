import { isDeepStrictEqual } from 'node:util';
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describeMismatch, type MismatchContext } from './internal/describeMismatch';
import { labelOf } from './internal/marbleLabels';

/** The parts of `TestScheduler` that its typings keep private. */
interface SchedulerInternals {
  readonly runMode: boolean;
  readonly flushTests?: { expected?: unknown }[];
}

/** A `TestScheduler` that compares with `isDeepStrictEqual` and reports mismatches as aligned diagrams. */
class MarbleTestScheduler extends TestScheduler {
  /** What each expected array (the object handed to `assertDeepEqual`) was written as. */
  private readonly contexts = new WeakMap<object, MismatchContext>();

  constructor() {
    super(() => undefined);
    this.assertDeepEqual = (actual: unknown, expected: unknown) => {
      if (isDeepStrictEqual(actual, expected)) return;
      const context = (typeof expected === 'object' && expected !== null && this.contexts.get(expected)) || this.context();
      throw new Error(describeMismatch(actual, expected, context));
    };
  }

  override expectObservable<T>(observable: Observable<T>, subscriptionMarbles: string | null = null) {
    const expectation = super.expectObservable(observable, subscriptionMarbles);
    const test = this.internals().flushTests?.at(-1);
    const context = this.context({ label: labelOf(observable) });
    const remember = (written: Partial<MismatchContext>) => {
      if (typeof test?.expected === 'object' && test.expected !== null) this.contexts.set(test.expected, { ...context, ...written });
    };
    return {
      toBe: (marbles: string, values?: unknown, errorValue?: unknown) => {
        expectation.toBe(marbles, values, errorValue);
        remember({ marbles, values });
      },
      toEqual: (other: Observable<T>) => {
        expectation.toEqual(other);
        remember({});
      },
    };
  }

  private context(written: Partial<MismatchContext> = {}): MismatchContext {
    const runMode = this.internals().runMode;
    return { runMode, frameSize: runMode ? 1 : TestScheduler.frameTimeFactor, ...written };
  }

  private internals(): SchedulerInternals {
    return this as unknown as SchedulerInternals;
  }
}

/**
 * Creates a `TestScheduler` for any test runner: it compares with `node:util`'s `isDeepStrictEqual`
 * and, on a mismatch, throws an `Error` that shows expected and actual as aligned marble diagrams.
 *
 * ```
 * acks differ
 *   expected: ---a-(bc)
 *   actual:   ---a--(bc)
 * ```
 *
 * Values are written as the letter of an equal expected value, else as `?` with a short JSON
 * line below; `expectAcks`, `expectNacks` and `expectSubscriptions` get their own titles. A
 * `TestScheduler` built with your runner's own deep equality works with the kit as well.
 *
 * ## Example
 * ```ts
 * import { map } from 'rxjs';
 * import { createTestScheduler } from 'rx-redis-events/testing';
 *
 * createTestScheduler().run(({ cold, expectObservable }) => {
 *   expectObservable(cold('-a-b|', { a: 1, b: 2 }).pipe(map((n) => n * 10))).toBe('-x-y|', { x: 10, y: 20 });
 * });
 * ```
 *
 * @returns A new `TestScheduler`; use `run()` for virtual time.
 * @see fakeDeliveries
 */
export function createTestScheduler(): TestScheduler {
  return new MarbleTestScheduler();
}
