import { Observable, type OperatorFunction, type Subscriber } from 'rxjs';
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
      const batches = new BatchProducer(service, stream, maxBatchSize, subscriber);
      const subscription = source.subscribe({
        next: (value) => batches.add(value),
        error: (error: unknown) => batches.fail(error),
        complete: () => batches.end(),
      });
      return () => {
        batches.close(); // values not yet handed to produce are not written after unsubscribe
        subscription.unsubscribe();
      };
    });
}

/**
 * One subscription of {@link produceTo}: gathers the source's values of a tick into batches, produces
 * each batch in one call, and emits the calls' ids in order. A value costs an array push (and, for the
 * first of a tick, a microtask): the closures are made per batch, never per value.
 */
class BatchProducer<T> {
  /** Values of this tick not yet handed to `produce`. */
  private batch: T[] = [];
  /** Settles once the ids of every call issued so far are emitted: each call's ids wait for it. */
  private written: Promise<unknown> = Promise.resolve();
  /** Calls issued whose ids are not emitted yet. */
  private pending = 0;
  private sourceDone = false;
  private closed = false;

  constructor(
    private readonly service: ProduceToService,
    private readonly stream: EventStream<T>,
    private readonly maxBatchSize: number,
    private readonly subscriber: Subscriber<string>,
  ) {}

  /** Adds a value to this tick's batch (produced at the end of the tick), and produces the batch at once when it is full. */
  add(value: T): void {
    if (this.batch.length === 0) queueMicrotask(this.flush);
    this.batch.push(value);
    if (this.batch.length >= this.maxBatchSize) this.flush();
  }

  /** Passes the source's error on. */
  fail(error: unknown): void {
    this.batch = []; // the source failed: what it sent in this tick is not written
    this.subscriber.error(error);
  }

  /** Produces what is left, and completes once every call's ids are emitted. */
  end(): void {
    this.sourceDone = true;
    this.flush();
    if (this.pending === 0) this.subscriber.complete();
  }

  /** Stops producing (on unsubscribe): values not yet handed to `produce` are dropped. */
  close(): void {
    this.closed = true;
  }

  /** Hands the batch to `produce`, and emits its ids (or errors) once the calls before it have emitted theirs. Bound once, for `queueMicrotask`. */
  private readonly flush = (): void => {
    if (this.batch.length === 0 || this.closed) return;
    const values = this.batch;
    this.batch = [];
    this.pending++;
    // settled at once, so a later call failing while an earlier one waits is never an unhandled rejection
    const outcome = this.service.produce(this.stream, ...values).then(
      (ids) => ({ ids }),
      (error: unknown) => ({ error }),
    );
    this.written = this.written.then(async () => {
      const result = await outcome;
      if ('error' in result) return this.subscriber.error(result.error);
      for (const id of result.ids) this.subscriber.next(id);
      if (--this.pending === 0 && this.sourceDone && this.batch.length === 0) this.subscriber.complete();
    });
  };
}
