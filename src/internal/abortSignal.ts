import { Observable } from 'rxjs';
import { describe } from './validate';

/**
 * Throws a `TypeError` naming `what` unless `value` is `undefined` or an `AbortSignal` (anything with
 * a boolean `aborted` and `addEventListener`/`removeEventListener`, so that a signal of another realm
 * or a polyfill is accepted too).
 */
export function assertSignal(value: unknown, what: string): asserts value is AbortSignal | undefined {
  if (value === undefined) return;
  const ok =
    typeof value === 'object' &&
    value !== null &&
    'aborted' in value &&
    typeof value.aborted === 'boolean' &&
    'addEventListener' in value &&
    typeof value.addEventListener === 'function' &&
    'removeEventListener' in value &&
    typeof value.removeEventListener === 'function';
  if (!ok) throw new TypeError(`rx-redis-events: ${what} must be an AbortSignal, got ${describe(value)}`);
}

/**
 * **Cold**, like `source`: mirrors it until `signal` aborts, then completes and unsubscribes from it,
 * as the subscriber unsubscribing would. A signal aborted already completes at once without subscribing
 * to `source`. Without a signal, `source` itself.
 *
 * ```text
 * source:  --a--b--c--d--
 * abort:   ---------x
 * result:  --a--b---|
 * ```
 */
export function untilAborted<T>(source: Observable<T>, signal: AbortSignal | undefined): Observable<T> {
  if (signal === undefined) return source;
  return new Observable<T>((subscriber) => {
    if (signal.aborted) return subscriber.complete();
    const onAbort = (): void => subscriber.complete();
    signal.addEventListener('abort', onAbort, { once: true });
    const subscription = source.subscribe({
      next: (value) => subscriber.next(value),
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    return () => {
      signal.removeEventListener('abort', onAbort);
      subscription.unsubscribe();
    };
  });
}
