import { catchError, defer, from, isObservable, last, map, mergeMap, of, type Observable, type OperatorFunction } from 'rxjs';
import type { NackOptions } from '../consumer/Delivery';
import { assertInteger } from '../internal/validate';
import { retryDelays, type RetryConfig } from './retryPolicy';

/** Anything that can be settled (acked, nacked, perhaps dead-lettered): a `Delivery` or a `DeliveryBatch`. */
export interface Settleable {
  /** How many times this was delivered; picks the retry delay (1 when absent). */
  readonly deliveryCount?: number;
  ack(): Promise<void>;
  nack(options?: NackOptions): Promise<void>;
  /** Moves it to the dead-letter stream at once (used with `deadLetterIf`; an item without it is nacked instead). */
  deadLetter?(reason?: string): Promise<void>;
}

/** Configuration of {@link ackAfter}. */
export interface AckAfterConfig {
  /** Most handlers running at once. Default 1 (one at a time, in order). */
  readonly concurrency?: number;
  /** Delay of the nack after a handler failure, by delivery count. Default {@link DEFAULT_RETRY}: 1 s doubling up to 60 s, ±20 %. */
  readonly retry?: RetryConfig;
  /**
   * Errors the handler cannot recover from: when it returns true for a handler's error, the item is
   * dead-lettered at once (`deadLetter(message of the error)`: reason `rejected`) instead of nacked
   * for a retry. A predicate that throws counts as false. Default: every failure is nacked.
   */
  readonly deadLetterIf?: (error: unknown) => boolean;
}

/** The outcome of handling one item, which {@link ackAfter} emits: the handler's result, or its error. */
export type HandlingOutcome<D, R> = { readonly ok: true; readonly item: D; readonly result: R } | { readonly ok: false; readonly item: D; readonly error: unknown };

/** A value of type `R`, a promise of one, or an Observable of them (its last value counts; completing empty is success): what a handler may return. */
export type MaybeAsync<R> = R | PromiseLike<R> | Observable<R>;

/**
 * Runs `handler` for each delivery (or batch); acks it when the handler succeeds and nacks it when
 * the handler throws, rejects or errors, with a delay from the `retry` policy and the error (kept if
 * the event ends in the dead-letter stream), or dead-letters it at once when `deadLetterIf` says the
 * error cannot be recovered from. Emits one {@link HandlingOutcome} per item; a failing handler never
 * errors the stream.
 *
 * ```
 * ackAfter(h)    h(b) throws
 * source:  -a-b-c-|
 * result:  -x-y-z-|    x = { ok: true, item: a }, a acked; y = { ok: false, item: b }, b nacked
 * ```
 *
 * The outcome is emitted as soon as the ack or nack is issued; a failed ack leaves the event
 * pending on the broker (it is delivered again) and is reported through the service's `onError`.
 *
 * ## Example
 * ```ts
 * import { ackAfter } from 'rx-redis-events';
 *
 * service.consume(JobEvents.started).pipe(ackAfter((d) => jobs.markStarted(d.value), { concurrency: 8 })).subscribe();
 * ```
 *
 * @param handler Work for one item: sync, Promise or Observable.
 * @param config Concurrency, nack delay and which errors dead-letter at once.
 * @returns An operator from items to outcomes.
 * @see autoAck
 * @see batch
 */
export function ackAfter<D extends Settleable, R>(handler: (item: D) => MaybeAsync<R>, config: AckAfterConfig = {}): OperatorFunction<D, HandlingOutcome<D, R>> {
  if (typeof handler !== 'function') throw new TypeError('rx-redis-events: ackAfter needs a handler function');
  const concurrency = config.concurrency ?? 1;
  assertInteger(concurrency, 'ackAfter option concurrency', 1);
  const delayFor = retryDelays(config.retry);
  const { deadLetterIf } = config;
  if (deadLetterIf !== undefined && typeof deadLetterIf !== 'function') throw new TypeError('rx-redis-events: ackAfter option deadLetterIf must be a function');
  const settleFailure = (item: D, error: unknown): Promise<void> =>
    item.deadLetter && deadLetterIf && holds(deadLetterIf, error) ? item.deadLetter(messageOf(error)) : item.nack({ delayMs: delayFor(item.deliveryCount ?? 1), error });
  return (source) =>
    source.pipe(
      mergeMap(
        (item) =>
          defer(() => toObservable(handler(item))).pipe(
            last(null, undefined as R),
            map((result): HandlingOutcome<D, R> => {
              item.ack().catch(ignore);
              return { ok: true, item, result };
            }),
            catchError((error: unknown) => {
              settleFailure(item, error).catch(ignore);
              return of<HandlingOutcome<D, R>>({ ok: false, item, error });
            }),
          ),
        concurrency,
      ),
    );
}

function toObservable<R>(result: MaybeAsync<R>): Observable<R> {
  if (isObservable(result)) return result;
  if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<R>).then === 'function') return from(result as PromiseLike<R>);
  return of(result as R);
}

function holds(predicate: (error: unknown) => boolean, error: unknown): boolean {
  try {
    return predicate(error) === true;
  } catch {
    return false;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Settling failures are reported by the service that owns the delivery. */
function ignore(): void {}
