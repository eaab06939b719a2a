import { Observable, type OperatorFunction } from 'rxjs';
import type { EventStream } from '../definitions/eventStream';
import { assertInteger } from '../internal/validate';

/** The service {@link produceTo} produces through: the part of `EventService` it uses. */
export interface ProduceToService {
  produce<T>(stream: EventStream<T>, ...events: T[]): Promise<string[]>;
}

/** Options of {@link produceTo}. */
export interface ProduceToConfig {
  /** Most values produced in one call: values that arrive in the same tick go together, up to this many. Default 1000. */
  readonly maxBatchSize?: number;
}

/**
 * Produces every value of the source to an event stream and emits the new entry ids, in source order.
 *
 * ```
 * source:  --a--b--c--|
 * result:  --i--j--k--|   (i, j, k: entry ids, each emitted once the broker has the entry)
 * ```
 *
 * Values that arrive in the same tick (a burst, `from(array)`) are produced in one call, up to
 * `maxBatchSize`, which on Redis is one script call per 1000 entries rather than one `XADD` each.
 * Calls are issued in order and their ids emitted in order. The result completes once every value
 * is written; an encoding or broker failure, or a value over `maxMessageBytes` (`MessageTooLargeError`),
 * errors it: no value of the failed call is written (earlier calls' values are).
 * Unsubscribing stops producing: values of the current tick not yet handed to `produce` are dropped.
 *
 * ## Example
 * ```ts
 * import { createEventService, eventStream, produceTo } from 'rx-redis-events';
 * import { interval, map, take } from 'rxjs';
 *
 * const ticks = eventStream<{ n: number }>('ticks');
 * const service = createEventService({ group: 'clock' });
 * interval(1000).pipe(take(3), map((n) => ({ n })), produceTo(service, ticks)).subscribe(console.log);
 * ```
 *
 * @param service The service to produce through.
 * @param stream The stream to produce to.
 * @param config Optional batch size.
 * @returns An operator emitting one entry id per source value.
 * @see EventService.produce
 */
export function produceTo<T>(service: ProduceToService, stream: EventStream<T>, config: ProduceToConfig = {}): OperatorFunction<T, string> {
  const maxBatchSize = config.maxBatchSize ?? 1000;
  assertInteger(maxBatchSize, 'produceTo option maxBatchSize', 1);
  return (source) =>
    new Observable<string>((subscriber) => {
      let batch: T[] = [];
      let written: Promise<unknown> = Promise.resolve();
      let pending = 0;
      let sourceDone = false;
      let closed = false;
      const flush = () => {
        if (batch.length === 0 || closed) return;
        const values = batch;
        batch = [];
        pending++;
        // settled at once, so a later call failing while an earlier one waits is never an unhandled rejection
        const outcome = service.produce(stream, ...values).then(
          (ids) => ({ ids }),
          (error: unknown) => ({ error }),
        );
        written = written.then(async () => {
          const result = await outcome;
          if ('error' in result) return subscriber.error(result.error);
          for (const id of result.ids) subscriber.next(id);
          if (--pending === 0 && sourceDone && batch.length === 0) subscriber.complete();
        });
      };
      const subscription = source.subscribe({
        next: (value) => {
          if (batch.length === 0) queueMicrotask(flush);
          batch.push(value);
          if (batch.length >= maxBatchSize) flush();
        },
        error: (error: unknown) => {
          batch = []; // the source failed: what it sent in this tick is not written
          subscriber.error(error);
        },
        complete: () => {
          sourceDone = true;
          flush();
          if (pending === 0) subscriber.complete();
        },
      });
      return () => {
        closed = true; // values not yet handed to produce are not written after unsubscribe
        subscription.unsubscribe();
      };
    });
}
