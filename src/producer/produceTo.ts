import { from, mergeMap, type OperatorFunction } from 'rxjs';
import type { EventStream } from '../definitions/eventStream';
import { assertInteger } from '../internal/validate';

/** The part of `EventService` that {@link produceTo} uses. */
export interface Producing {
  produce<T>(stream: EventStream<T>, ...events: T[]): Promise<string[]>;
}

/** Options of {@link produceTo}. */
export interface ProduceToConfig {
  /** Most produce calls awaiting the broker at once. Default 256. */
  readonly concurrency?: number;
}

/**
 * Produces every value of the source to an event stream and emits the new entry ids, in source order.
 *
 * ```
 * source:  --a--b--c--|
 * result:  --i--j--k--|   (i, j, k: entry ids, each emitted once the broker has the entry)
 * ```
 *
 * Values are appended in the order they arrive (calls are pipelined on one connection, whose replies
 * come back in order). An encoding or broker failure errors the result.
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
 * @param config Optional concurrency bound.
 * @returns An operator emitting one entry id per source value.
 * @see EventService.produce
 */
export function produceTo<T>(service: Producing, stream: EventStream<T>, config: ProduceToConfig = {}): OperatorFunction<T, string> {
  const concurrency = config.concurrency ?? 256;
  assertInteger(concurrency, 'produceTo option concurrency', 1);
  return (source) => source.pipe(mergeMap((value) => from(service.produce(stream, value).then((ids) => ids[0] as string)), concurrency));
}
